// MONGODB-AWS pieces in isolation: SigV4 against AWS's published examples, the
// spec's region table and server-first checks, the client-final signature
// against a computation written out here with node:crypto, and the
// authenticator's cache clearing when the conversation fails.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Binary, deserialize, serialize, type Document } from '../../src/bson.js';
import { AwsAuthenticator } from '../../src/auth/aws/aws-authenticator.js';
import { clientFinalPayload, clientFirstPayload, parseServerFirst, regionOfStsHost } from '../../src/auth/aws/aws-conversation.js';
import { authorizationHeader, canonicalRequest, sha256Hex, signingKey, toAmzDate } from '../../src/auth/aws/sigv4.js';
import type { AuthConnection } from '../../src/auth/authenticator.js';
import { buildCredentials, type MongoCredentials } from '../../src/auth/credentials.js';
import { MongoAWSError, MongoInvalidArgumentError } from '../../src/errors.js';
import { userForArn } from '../../src/server/auth/aws-conversation.js';

// AWS's SigV4 documentation examples (General Reference, "Signature Version 4 signing process",
// and the aws-sig-v4-test-suite get-vanilla / post-vanilla cases): credentials AKIDEXAMPLE.
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const AMZ_DATE = '20150830T123600Z';

describe('SigV4 against AWS published examples', () => {
  it('derives the documented signing key for 20150830/us-east-1/iam', () => {
    expect(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('builds the IAM ListUsers canonical request whose hash and Authorization header AWS documents', () => {
    const request = {
      method: 'GET',
      path: '/',
      query: 'Action=ListUsers&Version=2010-05-08',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Host: 'iam.amazonaws.com', 'X-Amz-Date': AMZ_DATE },
      body: '',
    };
    expect(sha256Hex(canonicalRequest(request))).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    // This header is also the auth spec's example of a finished Authorization header.
    expect(authorizationHeader(request, EXAMPLE, { amzDate: AMZ_DATE, region: 'us-east-1', service: 'iam' })).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });

  it.each([
    ['GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['POST', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ])('signs the test suite %s-vanilla request as documented', (method, expected) => {
    const header = authorizationHeader(
      { method, path: '/', headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': AMZ_DATE }, body: '' },
      EXAMPLE,
      { amzDate: AMZ_DATE, region: 'us-east-1', service: 'service' },
    );
    expect(header).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${expected}`);
  });

  it('formats X-Amz-Date as ISO 8601 basic UTC', () => {
    expect(toAmzDate(new Date(Date.UTC(2019, 10, 7, 0, 26, 7, 123)))).toBe('20191107T002607Z');
  });
});

describe('STS host and region (auth spec, Region Calculation)', () => {
  it.each([
    ['sts.amazonaws.com', 'us-east-1'],
    ['aws.amazonaws.com', 'us-east-1'],
    ['sts.us-west-2.amazonaws.com', 'us-west-2'],
    ['sts.us-west-2.amazonaws.com.ch', 'us-west-2'],
    ['example.com', 'com'],
    ['localhost', 'us-east-1'],
  ])('%s → %s', (host, region) => {
    expect(regionOfStsHost(host)).toBe(region);
  });

  it.each(['sts..com', '.amazonaws.com', 'sts.amazonaws.', '', 'a'.repeat(256)])('rejects %j', (host) => {
    expect(() => regionOfStsHost(host)).toThrow(MongoAWSError);
  });
});

function binary(bytes: Buffer): Binary {
  return new Binary(bytes);
}

function bytesOf(value: unknown): Buffer {
  if (!(value instanceof Binary)) throw new Error('expected Binary');
  return Buffer.from(value.buffer.subarray(0, value.position));
}

describe('the MONGODB-AWS messages', () => {
  it('client-first carries a 32-byte nonce and gs2-cb-flag 110', () => {
    const nonce = randomBytes(32);
    const message = deserialize(clientFirstPayload(nonce));
    expect(bytesOf(message.r).equals(nonce)).toBe(true);
    expect(message.p).toBe(110);
  });

  it('refuses a server nonce of the wrong length or not starting with the client nonce, and a bad host', () => {
    const nonce = randomBytes(32);
    const reply = (s: Buffer, h: unknown): Buffer => Buffer.from(serialize({ s: binary(s), h }));
    expect(() => parseServerFirst(reply(Buffer.concat([nonce, randomBytes(31)]), 'sts.amazonaws.com'), nonce)).toThrow(/63 bytes, expected 64/);
    expect(() => parseServerFirst(reply(randomBytes(64), 'sts.amazonaws.com'), nonce)).toThrow(/does not start with the client nonce/);
    expect(() => parseServerFirst(reply(Buffer.concat([nonce, randomBytes(32)]), 'sts..com'), nonce)).toThrow(/empty label/);
    expect(() => parseServerFirst(reply(Buffer.concat([nonce, randomBytes(32)]), 42), nonce)).toThrow(/no STS host/);
    const good = parseServerFirst(reply(Buffer.concat([nonce, randomBytes(32)]), 'sts.us-west-2.amazonaws.com'), nonce);
    expect(good.stsHost).toBe('sts.us-west-2.amazonaws.com');
  });

  it('client-final signs the STS request as computed independently here', () => {
    const serverNonce = randomBytes(64);
    const now = new Date(Date.UTC(2019, 10, 7, 0, 26, 7));
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret/with+chars', sessionToken: 'tok en' };
    const message = deserialize(clientFinalPayload({ serverNonce, stsHost: 'sts.eu-west-1.amazonaws.com' }, credentials, now));
    expect(message.d).toBe('20191107T002607Z');
    expect(message.t).toBe('tok en');

    // Written out by hand from the SigV4 steps, not through src/auth/aws/sigv4.ts.
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signed = 'content-length;content-type;host;x-amz-date;x-amz-security-token;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce';
    const canonical =
      'POST\n/\n\n' +
      'content-length:43\ncontent-type:application/x-www-form-urlencoded\nhost:sts.eu-west-1.amazonaws.com\n' +
      `x-amz-date:20191107T002607Z\nx-amz-security-token:tok en\nx-mongodb-gs2-cb-flag:n\nx-mongodb-server-nonce:${serverNonce.toString('base64')}\n\n` +
      `${signed}\n${createHash('sha256').update(body).digest('hex')}`;
    const scope = '20191107/eu-west-1/sts/aws4_request';
    const toSign = `AWS4-HMAC-SHA256\n20191107T002607Z\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    let key: Buffer = createHmac('sha256', 'AWS4secret/with+chars').update('20191107').digest();
    for (const part of ['eu-west-1', 'sts', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(toSign).digest('hex');
    expect(message.a).toBe(`AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/${scope}, SignedHeaders=${signed}, Signature=${expected}`);
  });

  it('omits t and the security token header for long-term keys', () => {
    const message = deserialize(clientFinalPayload({ serverNonce: randomBytes(64), stsHost: 'localhost' }, { accessKeyId: 'A', secretAccessKey: 'S' }));
    expect(message.t).toBeUndefined();
    expect(String(message.a)).toContain('/us-east-1/sts/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce,');
  });
});

describe('MONGODB-AWS credentials and the authenticator', () => {
  function awsCredentials(provider: unknown): MongoCredentials {
    const credentials = buildCredentials({ userInfoGiven: false, mechanism: 'MONGODB-AWS', mechanismProperties: { AWS_CREDENTIAL_PROVIDER: provider as () => unknown } });
    if (credentials === undefined) throw new Error('expected credentials');
    return credentials;
  }

  it('requires AWS_CREDENTIAL_PROVIDER to be a function', () => {
    expect(() => awsCredentials('fromEnv')).toThrow(MongoInvalidArgumentError);
  });

  it('maps an assumed-role session ARN to the role user, as mongod does', () => {
    expect(userForArn('arn:aws:sts::123456789012:assumed-role/Web/session-1')).toBe('arn:aws:iam::123456789012:role/Web');
    expect(userForArn('arn:aws:iam::123456789012:user/alice')).toBe('arn:aws:iam::123456789012:user/alice');
  });

  /** A connection whose server answers saslStart with `serverFirst(clientNonce)`. */
  function fakeConnection(serverFirst: (clientNonce: Buffer) => Document): AuthConnection & { sent: Document[] } {
    const sent: Document[] = [];
    return {
      address: 'fake:27017',
      sent,
      command(_db: string, body: Document) {
        sent.push(body);
        const reply = body.saslStart !== undefined ? serverFirst(bytesOf(deserialize(bytesOf(body.payload)).r)) : { done: true, payload: binary(Buffer.alloc(0)) };
        return Promise.resolve({ body: () => reply });
      },
    };
  }
  const hello = { get: () => undefined };

  it('clears the provider cache and names the problem when the server nonce is wrong', async () => {
    let cleared = 0;
    const provider = Object.assign(() => Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S' }), { clearCache: () => void cleared++ });
    const authenticator = new AwsAuthenticator(awsCredentials(provider));
    const connection = fakeConnection(() => ({ conversationId: 1, done: false, payload: binary(Buffer.from(serialize({ s: binary(randomBytes(64)), h: 'sts.amazonaws.com' }))) }));
    const error = await authenticator.finish(connection, hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoAWSError);
    expect(String((error as Error).message)).toMatch(/^MONGODB-AWS authentication failed on db "\$external": the server nonce does not start with the client nonce/);
    expect(cleared).toBe(1);
    expect(connection.sent).toHaveLength(1);
  });

  it('completes a well-formed conversation and reports a provider that returns no secret', async () => {
    const ok = new AwsAuthenticator(awsCredentials(() => Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S' })));
    const connection = fakeConnection((nonce) => ({
      conversationId: 1,
      done: false,
      payload: binary(Buffer.from(serialize({ s: binary(Buffer.concat([nonce, randomBytes(32)])), h: 'sts.amazonaws.com' }))),
    }));
    await ok.finish(connection, hello);
    expect(connection.sent.map((c) => Object.keys(c)[0])).toEqual(['saslStart', 'saslContinue']);
    const broken = new AwsAuthenticator(awsCredentials(() => Promise.resolve({ accessKeyId: 'A' })));
    await expect(broken.finish(fakeConnection(() => ({})), hello)).rejects.toThrow(/AWS_CREDENTIAL_PROVIDER returned no secretAccessKey/);
  });
});
