// The client side of one SCRAM conversation (RFC 5802, RFC 7677) as MongoDB
// runs it: no channel binding ("n,,"), usernames escaped but never SASLprep'd,
// SCRAM-SHA-1 keyed by the MongoDB password digest, SCRAM-SHA-256 by the
// SASLprep'd password. Pure message logic: the network lives in the authenticator.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';
import { MongoInvalidArgumentError, MongoRuntimeError } from '../errors.js';

export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

/** The spec's floor: a lower count from the server is a downgrade attack. */
export const MIN_ITERATION_COUNT = 4096;

const HASH: Readonly<Record<ScramMechanism, { name: 'sha1' | 'sha256'; bytes: number }>> = {
  'SCRAM-SHA-1': { name: 'sha1', bytes: 20 },
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
};

/** ClientKey and ServerKey: what the spec lets a driver cache per (password, salt, iterations, mechanism). */
export interface ScramKeys {
  readonly clientKey: Buffer;
  readonly serverKey: Buffer;
}

/** Caches derived keys; the authenticator keeps one per credential. */
export interface ScramKeyCache {
  get(key: string): ScramKeys | undefined;
  set(key: string, value: ScramKeys): void;
}

/** RFC 5802 saslname: ',' and '=' are escaped; nothing else changes. */
export function escapeUsername(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** `HEX(MD5(username + ':mongo:' + password))`, the password SCRAM-SHA-1 keys are derived from. */
export function mongoPasswordDigest(username: string, password: string): string {
  return createHash('md5').update(`${username}:mongo:${password}`, 'utf8').digest('hex');
}

/** The secret that enters Hi(): the digest for SHA-1, the SASLprep'd password for SHA-256. */
export function scramSecret(mechanism: ScramMechanism, username: string, password: string): string {
  if (mechanism === 'SCRAM-SHA-1') return mongoPasswordDigest(username, password);
  try {
    return saslprep(password);
  } catch (error) {
    throw new MongoInvalidArgumentError(`the password cannot be prepared with SASLprep for SCRAM-SHA-256: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(HASH[mechanism].name, key).update(data).digest();
}

function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(HASH[mechanism].name).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Hi() is PBKDF2 with the mechanism's HMAC; run off the event loop (it is the slow part). */
function saltedPassword(mechanism: ScramMechanism, secret: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const { name, bytes } = HASH[mechanism];
  return new Promise((resolve, reject) => {
    pbkdf2(secret, salt, iterations, bytes, name, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function deriveKeys(mechanism: ScramMechanism, secret: string, salt: Buffer, iterations: number): Promise<ScramKeys> {
  const salted = await saltedPassword(mechanism, secret, salt, iterations);
  return { clientKey: hmac(mechanism, salted, 'Client Key'), serverKey: hmac(mechanism, salted, 'Server Key') };
}

/** Splits "a=1,b=2" into attributes; values may contain '=' (base64 padding). */
export function parseScramAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) continue;
    attributes.set(part[0], part.slice(2));
  }
  return attributes;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 5802 "printable": 0x21-0x7E except ','. */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

export interface ScramConversationOptions {
  mechanism: ScramMechanism;
  username: string;
  password: string;
  /** Tests pin it to reproduce the RFC vectors; otherwise 24 random bytes, base64. */
  clientNonce?: string;
  cache?: ScramKeyCache;
}

/**
 * One conversation: `clientFirst` → (server-first) `clientFinal` → (server-final)
 * `verifyServerFinal`. Each step validates what the server sent and throws a
 * MongoRuntimeError naming the problem.
 */
export class ScramConversation {
  readonly mechanism: ScramMechanism;
  private readonly username: string;
  private readonly password: string;
  private readonly clientNonce: string;
  private readonly cache: ScramKeyCache | undefined;
  private expectedServerSignature: Buffer | undefined;

  constructor(options: ScramConversationOptions) {
    this.mechanism = options.mechanism;
    this.username = options.username;
    this.password = options.password;
    this.clientNonce = options.clientNonce ?? randomBytes(24).toString('base64');
    this.cache = options.cache;
    if (!NONCE.test(this.clientNonce)) throw new MongoInvalidArgumentError('a SCRAM client nonce must be printable ASCII without commas');
  }

  private get clientFirstBare(): string {
    return `n=${escapeUsername(this.username)},r=${this.clientNonce}`;
  }

  /** "n,,n=<user>,r=<nonce>": no channel binding is ever advertised. */
  clientFirst(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  /** Checks the server-first message and answers it with the client proof. */
  async clientFinal(serverFirstPayload: Uint8Array): Promise<Buffer> {
    const serverFirst = Buffer.from(serverFirstPayload).toString('utf8');
    const attributes = parseScramAttributes(serverFirst);
    if (attributes.has('m')) throw new MongoRuntimeError('the server requires a SCRAM extension (m=) that is not supported');
    const nonce = attributes.get('r');
    const saltText = attributes.get('s');
    const iterationText = attributes.get('i');
    if (nonce === undefined || saltText === undefined || iterationText === undefined) {
      throw new MongoRuntimeError(`the server's first SCRAM message is malformed: expected r=, s= and i=, got ${JSON.stringify(serverFirst.slice(0, 200))}`);
    }
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length || !NONCE.test(nonce)) {
      throw new MongoRuntimeError('the server returned an invalid SCRAM nonce: it must extend the client nonce');
    }
    if (saltText.length === 0 || !BASE64.test(saltText)) throw new MongoRuntimeError('the server returned an invalid SCRAM salt: it is not base64');
    if (!/^\d+$/.test(iterationText)) throw new MongoRuntimeError(`the server returned an invalid SCRAM iteration count ${JSON.stringify(iterationText)}`);
    const iterations = Number(iterationText);
    if (iterations < MIN_ITERATION_COUNT) {
      throw new MongoRuntimeError(`the server returned a SCRAM iteration count of ${iterations}, below the minimum of ${MIN_ITERATION_COUNT}`);
    }

    const salt = Buffer.from(saltText, 'base64');
    const keys = await this.keys(salt, iterations, saltText);
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const storedKey = hash(this.mechanism, keys.clientKey);
    const clientSignature = hmac(this.mechanism, storedKey, authMessage);
    const proof = xor(keys.clientKey, clientSignature).toString('base64');
    this.expectedServerSignature = hmac(this.mechanism, keys.serverKey, authMessage);
    return Buffer.from(`${withoutProof},p=${proof}`, 'utf8');
  }

  /** Verifies "v=<signature>" (or reports "e=<error>"); throws when the server cannot prove it knows the password. */
  verifyServerFinal(serverFinalPayload: Uint8Array): void {
    const expected = this.expectedServerSignature;
    if (expected === undefined) throw new MongoRuntimeError('the SCRAM server-final message arrived before the client-final message was sent');
    const attributes = parseScramAttributes(Buffer.from(serverFinalPayload).toString('utf8'));
    const error = attributes.get('e');
    if (error !== undefined) throw new MongoRuntimeError(`the server rejected the SCRAM proof: ${error}`);
    // Compared as canonical base64 text: decoding alone would accept variants in the padding bits.
    const received = Buffer.from(attributes.get('v') ?? '', 'utf8');
    const wanted = Buffer.from(expected.toString('base64'), 'utf8');
    if (received.length !== wanted.length || !timingSafeEqual(received, wanted)) {
      throw new MongoRuntimeError('server signature did not verify');
    }
  }

  private async keys(salt: Buffer, iterations: number, saltText: string): Promise<ScramKeys> {
    const cacheKey = `${this.mechanism}:${saltText}:${iterations}`;
    const cached = this.cache?.get(cacheKey);
    if (cached !== undefined) return cached;
    const keys = await deriveKeys(this.mechanism, scramSecret(this.mechanism, this.username, this.password), salt, iterations);
    this.cache?.set(cacheKey, keys);
    return keys;
  }
}
