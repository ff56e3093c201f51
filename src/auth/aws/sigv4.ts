// AWS Signature Version 4 (the SigV4 signing process MONGODB-AWS requires):
// a canonical request, the string to sign over its hash, a signing key derived
// from the secret by HMAC-SHA256 chaining (date, region, service,
// "aws4_request"), and the Authorization header that carries the signature.
// General enough for any request (query, arbitrary headers) so that it can be
// checked against AWS's published examples, not only the STS call we make.
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SignableRequest {
  readonly method: string;
  /** The absolute path, already URI-encoded (MONGODB-AWS signs '/'). */
  readonly path: string;
  /** The query string without '?', its names and values already URI-encoded; '' when none. */
  readonly query?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SigningScope {
  /** YYYYMMDD'T'HHMMSS'Z', the X-Amz-Date value; its first 8 characters are the scope's date. */
  readonly amzDate: string;
  readonly region: string;
  readonly service: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The X-Amz-Date form of an instant: ISO 8601 basic format, UTC, no fractional seconds. */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** Query parameters sorted by name then value (they arrive encoded, so byte order is the encoded order). */
function canonicalQuery(query: string): string {
  if (query.length === 0) return '';
  const pairs = query.split('&').map((pair) => (pair.includes('=') ? pair : `${pair}=`));
  return pairs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('&');
}

/** Header names lower-cased and sorted, separated by ';' (also the Authorization header's SignedHeaders). */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort()
    .join(';');
}

export function canonicalRequest(request: SignableRequest): string {
  const lowered = new Map(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), canonicalHeaderValue(value)]));
  const names = [...lowered.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${lowered.get(name) ?? ''}\n`).join('');
  return [request.method, request.path, canonicalQuery(request.query ?? ''), canonicalHeaders, names.join(';'), sha256Hex(request.body)].join('\n');
}

export function credentialScope(scope: SigningScope): string {
  return `${scope.amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
}

export function stringToSign(canonical: string, scope: SigningScope): string {
  return [SIGV4_ALGORITHM, scope.amzDate, credentialScope(scope), sha256Hex(canonical)].join('\n');
}

export function signingKey(secretAccessKey: string, dateStamp: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, dateStamp);
  return hmac(hmac(hmac(dateKey, region), service), 'aws4_request');
}

/** The hex signature of a request under a scope. */
export function signature(request: SignableRequest, credentials: SigningCredentials, scope: SigningScope): string {
  const key = signingKey(credentials.secretAccessKey, scope.amzDate.slice(0, 8), scope.region, scope.service);
  return createHmac('sha256', key).update(stringToSign(canonicalRequest(request), scope), 'utf8').digest('hex');
}

/** "AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<hex>" */
export function authorizationHeader(request: SignableRequest, credentials: SigningCredentials, scope: SigningScope): string {
  return (
    `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope(scope)}, ` +
    `SignedHeaders=${signedHeaderNames(request.headers)}, Signature=${signature(request, credentials, scope)}`
  );
}
