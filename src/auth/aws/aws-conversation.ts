// The MONGODB-AWS SASL messages (auth spec, "Conversation"): the client-first
// { r: client nonce, p: 110 }, the checks on the server-first { s, h }, the STS
// host's region, and the client-final { a, d, t? } carrying a SigV4-signed
// GetCallerIdentity request the server forwards to STS (the signature proves
// the secret without sending it).
import { randomBytes } from 'node:crypto';
import { Binary, deserialize, serialize, type Document } from '../../bson.js';
import { MongoAWSError } from '../../errors.js';
import { authorizationHeader, toAmzDate } from './sigv4.js';

export const AWS_MECHANISM = 'MONGODB-AWS';
export const CLIENT_NONCE_BYTES = 32;
const SERVER_NONCE_BYTES = 64;
/** The ASCII 'n' gs2-cb-flag: drivers must not advertise channel binding. */
export const GS2_CB_FLAG_N = 110;
export const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const MAX_HOST_BYTES = 255;
const GLOBAL_STS_HOSTS: readonly string[] = ['sts.amazonaws.com', 'aws.amazonaws.com'];

export interface AwsSigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface ServerFirst {
  readonly serverNonce: Buffer;
  readonly stsHost: string;
}

export function newClientNonce(): Buffer {
  return randomBytes(CLIENT_NONCE_BYTES);
}

export function clientFirstPayload(clientNonce: Buffer): Buffer {
  return Buffer.from(serialize({ r: new Binary(clientNonce), p: GS2_CB_FLAG_N }));
}

function binaryBytes(value: unknown): Buffer | undefined {
  if (value instanceof Binary) return Buffer.from(value.buffer.subarray(0, value.position));
  return undefined;
}

/**
 * The spec's host rule: 1 to 255 bytes (RFC 1035), no empty label, so no leading,
 * trailing or doubled period. Returns why it is invalid, or undefined.
 */
export function stsHostProblem(host: string): string | undefined {
  const bytes = Buffer.byteLength(host, 'utf8');
  if (bytes === 0) return 'is empty';
  if (bytes > MAX_HOST_BYTES) return `is ${bytes} bytes long (at most ${MAX_HOST_BYTES})`;
  if (host.split('.').some((label) => label.length === 0)) return 'has an empty label (a leading, trailing or doubled period)';
  return undefined;
}

/**
 * The spec's "Region Calculation": the second label, or us-east-1 for a single-label host and
 * for the global endpoint. The spec's pseudocode names "aws.amazonaws.com" while its table
 * (and STS: the global endpoint signs for us-east-1) names "sts.amazonaws.com": both apply.
 */
export function regionOfStsHost(host: string): string {
  const problem = stsHostProblem(host);
  if (problem !== undefined) throw new MongoAWSError(`MONGODB-AWS: the server's STS host ${JSON.stringify(host)} ${problem}`);
  if (GLOBAL_STS_HOSTS.includes(host) || !host.includes('.')) return 'us-east-1';
  return host.split('.')[1] ?? 'us-east-1';
}

/** Reads and validates the server-first payload against our nonce. */
export function parseServerFirst(payload: Buffer, clientNonce: Buffer): ServerFirst {
  let reply: Document;
  try {
    reply = deserialize(payload);
  } catch (error) {
    throw new MongoAWSError('MONGODB-AWS: the server-first message is not a BSON document', { cause: error });
  }
  const serverNonce = binaryBytes(reply.s);
  const stsHost = reply.h;
  if (serverNonce === undefined) throw new MongoAWSError('MONGODB-AWS: the server-first message has no binary server nonce (s)');
  if (serverNonce.length !== SERVER_NONCE_BYTES) {
    throw new MongoAWSError(`MONGODB-AWS: the server nonce is ${serverNonce.length} bytes, expected ${SERVER_NONCE_BYTES}`);
  }
  if (!serverNonce.subarray(0, CLIENT_NONCE_BYTES).equals(clientNonce)) {
    throw new MongoAWSError('MONGODB-AWS: the server nonce does not start with the client nonce');
  }
  if (typeof stsHost !== 'string') throw new MongoAWSError('MONGODB-AWS: the server-first message has no STS host (h)');
  regionOfStsHost(stsHost);
  return { serverNonce, stsHost };
}

/** The client-final payload: the signed GetCallerIdentity request's Authorization header, its date, and the session token if any. */
export function clientFinalPayload(first: ServerFirst, credentials: AwsSigningCredentials, now: Date = new Date()): Buffer {
  const amzDate = toAmzDate(now);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Content-Length': String(Buffer.byteLength(STS_BODY)),
    Host: first.stsHost,
    'X-Amz-Date': amzDate,
    'X-MongoDB-Server-Nonce': first.serverNonce.toString('base64'),
    'X-MongoDB-GS2-CB-Flag': 'n',
  };
  if (credentials.sessionToken !== undefined) headers['X-Amz-Security-Token'] = credentials.sessionToken;
  const authorization = authorizationHeader(
    { method: 'POST', path: '/', headers, body: STS_BODY },
    credentials,
    { amzDate, region: regionOfStsHost(first.stsHost), service: 'sts' },
  );
  const message: Document = { a: authorization, d: amzDate };
  if (credentials.sessionToken !== undefined) message.t = credentials.sessionToken;
  return Buffer.from(serialize(message));
}
