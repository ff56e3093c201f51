// The embedded server's stand-in for AWS STS. A real mongod forwards the
// client's signed GetCallerIdentity request to STS and authenticates the ARN
// STS answers with. The embedded server has no STS to ask, so it plays STS
// itself: it knows a set of AWS key pairs (MemoryServerOptions.awsCredentials),
// rebuilds the request mongod would send from the headers it knows, recomputes
// the SigV4 signature over the headers the client signed, and answers with the
// key's ARN. It checks what STS checks: a known access key, the credential
// scope (date, region, "sts", "aws4_request"), a request time within 15 minutes,
// the session token of temporary keys, and the signature itself. The SigV4 code
// here is written separately from the driver's (the server may not import the
// driver), so each checks the other in the end-to-end tests.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface AwsKeyRegistration {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Set for temporary credentials: requests must then carry this X-Amz-Security-Token. */
  readonly sessionToken?: string;
  /** What GetCallerIdentity answers, e.g. arn:aws:iam::123456789012:user/alice or arn:aws:sts::123456789012:assumed-role/Role/session. */
  readonly arn: string;
}

/** The request mongod sends STS, minus the Authorization header. */
export interface StsRequestHeaders {
  readonly host: string;
  readonly amzDate: string;
  readonly serverNonceBase64: string;
  readonly gs2CbFlag: string;
  readonly securityToken: string | undefined;
}

export const STS_REQUEST_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
/** Headers mongod requires the client to have signed (sasl_aws_server_conversation). */
const REQUIRED_SIGNED = ['content-length', 'content-type', 'host', 'x-amz-date', 'x-mongodb-gs2-cb-flag', 'x-mongodb-server-nonce'];
/** STS refuses requests signed more than 15 minutes from its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** Why STS refused, for the server's own diagnostics; the client only ever sees AuthenticationFailed. */
export class StsRejection extends Error {}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/([^,]+), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function hmacSha256(key: Buffer | string, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The region a host implies, by the auth spec's table (second label; us-east-1 for one label and the global endpoint). */
export function stsRegion(host: string): string {
  if (host === 'sts.amazonaws.com' || host === 'aws.amazonaws.com' || !host.includes('.')) return 'us-east-1';
  return host.split('.')[1] ?? 'us-east-1';
}

/** X-Amz-Date (YYYYMMDD'T'HHMMSS'Z') as epoch ms, or NaN. */
function amzDateMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (m === null) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export class AwsStsSimulation {
  private readonly keys = new Map<string, AwsKeyRegistration>();

  constructor(private readonly now: () => number = Date.now) {}

  register(key: AwsKeyRegistration): void {
    this.keys.set(key.accessKeyId, key);
  }

  /** Whether any key pair is registered (MONGODB-AWS is offered only then). */
  get configured(): boolean {
    return this.keys.size > 0;
  }

  /** GetCallerIdentity: the ARN of the key that signed, or StsRejection naming why not. */
  callerIdentity(authorization: string, headers: StsRequestHeaders): string {
    const m = AUTHORIZATION.exec(authorization);
    if (m === null) throw new StsRejection('malformed Authorization header');
    const [, accessKeyId, scopeDate, region, service, terminator, signedHeaderList, claimed] = m;
    const key = this.keys.get(accessKeyId);
    if (key === undefined) throw new StsRejection(`unknown access key ${accessKeyId}`);
    if (service !== 'sts' || terminator !== 'aws4_request') throw new StsRejection('credential scope is not for sts');
    if (region !== stsRegion(headers.host)) throw new StsRejection(`credential scope region ${region} does not match host ${headers.host}`);
    if (scopeDate !== headers.amzDate.slice(0, 8)) throw new StsRejection('credential scope date differs from X-Amz-Date');
    const signedAt = amzDateMs(headers.amzDate);
    if (!(Math.abs(this.now() - signedAt) <= MAX_CLOCK_SKEW_MS)) throw new StsRejection('request time is too far from the server clock');
    if (key.sessionToken !== headers.securityToken) throw new StsRejection('security token missing, unexpected or wrong');

    const known: Record<string, string> = {
      'content-length': String(Buffer.byteLength(STS_REQUEST_BODY)),
      'content-type': 'application/x-www-form-urlencoded',
      host: headers.host,
      'x-amz-date': headers.amzDate,
      'x-mongodb-gs2-cb-flag': headers.gs2CbFlag,
      'x-mongodb-server-nonce': headers.serverNonceBase64,
    };
    if (headers.securityToken !== undefined) known['x-amz-security-token'] = headers.securityToken;
    const signed = signedHeaderList.split(';');
    const required = headers.securityToken === undefined ? REQUIRED_SIGNED : [...REQUIRED_SIGNED, 'x-amz-security-token'];
    if (required.some((name) => !signed.includes(name))) throw new StsRejection(`SignedHeaders must include ${required.join(';')}`);
    if (signed.some((name) => known[name] === undefined)) throw new StsRejection('SignedHeaders names a header the request does not carry');
    if ([...signed].sort().join(';') !== signedHeaderList) throw new StsRejection('SignedHeaders is not sorted');

    const canonical = ['POST', '/', '', signed.map((name) => `${name}:${known[name]}\n`).join(''), signedHeaderList, sha256(STS_REQUEST_BODY)].join('\n');
    const scope = `${scopeDate}/${region}/sts/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', headers.amzDate, scope, sha256(canonical)].join('\n');
    const signingKey = hmacSha256(hmacSha256(hmacSha256(hmacSha256(`AWS4${key.secretAccessKey}`, scopeDate), region), 'sts'), 'aws4_request');
    const expected = hmacSha256(signingKey, toSign);
    if (!timingSafeEqual(expected, Buffer.from(claimed, 'hex'))) throw new StsRejection('signature does not match');
    return key.arn;
  }
}
