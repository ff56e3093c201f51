// Where MONGODB-AWS finds credentials without the AWS SDK (auth spec,
// "Obtaining Credentials"): environment variables, STS AssumeRoleWithWebIdentity,
// the ECS task endpoint and the EC2 instance metadata service (IMDSv2). Every
// base URL and the environment are injectable so tests can stand in for AWS;
// every HTTP call has a timeout, and each failure names the provider and why.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { MongoAWSError } from '../../errors.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials stop working; absent for long-term keys. */
  readonly expiration?: Date;
}

export type AwsEnvironment = Readonly<Record<string, string | undefined>>;

export interface AwsEndpoints {
  /** STS for AssumeRoleWithWebIdentity; default https://sts.amazonaws.com */
  readonly stsUrl: string;
  /** The ECS agent; default http://169.254.170.2 */
  readonly ecsUrl: string;
  /** The EC2 instance metadata service; default http://169.254.169.254 */
  readonly ec2Url: string;
  /** Limit on each HTTP call (the spec asks 10 s for ECS and EC2). */
  readonly timeoutMS: number;
}

export const DEFAULT_AWS_ENDPOINTS: AwsEndpoints = Object.freeze({
  stsUrl: 'https://sts.amazonaws.com',
  ecsUrl: 'http://169.254.170.2',
  ec2Url: 'http://169.254.169.254',
  timeoutMS: 10_000,
});

/** IMDSv2 session tokens need live only for the two reads that follow. */
const IMDS_TOKEN_TTL_SECONDS = '30';

function present(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}

function fail(provider: string, why: string, cause?: unknown): MongoAWSError {
  return new MongoAWSError(`MONGODB-AWS: could not obtain credentials from ${provider}: ${why}`, cause === undefined ? undefined : { cause });
}

/** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), read afresh on each call; undefined when neither key is set. */
export function credentialsFromEnvironment(env: AwsEnvironment): AwsCredentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!present(accessKeyId) && !present(secretAccessKey)) return undefined;
  if (!present(accessKeyId)) throw fail('environment variables', 'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not');
  if (!present(secretAccessKey)) throw fail('environment variables', 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not');
  const sessionToken = env.AWS_SESSION_TOKEN;
  return present(sessionToken) ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

async function request(provider: string, url: string, init: RequestInit, timeoutMS: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMS) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const why = timedOut ? `no response from ${url} within ${timeoutMS} ms` : `request to ${url} failed (${error instanceof Error ? error.message : String(error)})`;
    throw fail(provider, why, error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw fail(provider, `reading the response of ${url} failed`, error);
  }
  if (!response.ok) throw fail(provider, `${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(provider: string, text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // reported below
  }
  throw fail(provider, `the response is not a JSON object: ${text.slice(0, 200)}`);
}

/** Expiration arrives as an ISO 8601 string (ECS, EC2, the spec's STS example) or epoch seconds (STS's JSON protocol). */
function parseExpiration(provider: string, value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw fail(provider, `the Expiration ${JSON.stringify(value)} is not a date`);
  return date;
}

/** The temporary credentials in a JSON response; `tokenField` is 'Token' (ECS, EC2) or 'SessionToken' (STS). */
function temporaryCredentials(provider: string, body: Record<string, unknown>, tokenField: 'Token' | 'SessionToken'): AwsCredentials {
  const { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey } = body;
  const sessionToken = body[tokenField];
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || accessKeyId.length === 0 || secretAccessKey.length === 0) {
    throw fail(provider, 'the response lacks AccessKeyId or SecretAccessKey');
  }
  if (sessionToken !== undefined && typeof sessionToken !== 'string') throw fail(provider, `the response's ${tokenField} is not a string`);
  const expiration = parseExpiration(provider, body.Expiration);
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined || sessionToken.length === 0 ? {} : { sessionToken }),
    ...(expiration === undefined ? {} : { expiration }),
  };
}

/** Whether AssumeRoleWithWebIdentity applies: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are both set. */
export function webIdentityConfigured(env: AwsEnvironment): boolean {
  return present(env.AWS_WEB_IDENTITY_TOKEN_FILE) && present(env.AWS_ROLE_ARN);
}

/** Exchanges the web identity token (EKS) for temporary credentials with an unsigned STS AssumeRoleWithWebIdentity call. */
export async function credentialsFromWebIdentity(env: AwsEnvironment, endpoints: AwsEndpoints): Promise<AwsCredentials> {
  const provider = 'AssumeRoleWithWebIdentity';
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE ?? '';
  let token: string;
  try {
    token = (await readFile(tokenFile, 'utf8')).trim();
  } catch (error) {
    throw fail(provider, `cannot read AWS_WEB_IDENTITY_TOKEN_FILE ${tokenFile} (${error instanceof Error ? error.message : String(error)})`, error);
  }
  const sessionName = present(env.AWS_ROLE_SESSION_NAME) ? env.AWS_ROLE_SESSION_NAME : `mongrove-${randomBytes(8).toString('hex')}`;
  const query = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    RoleSessionName: sessionName,
    RoleArn: env.AWS_ROLE_ARN ?? '',
    WebIdentityToken: token,
    Version: '2011-06-15',
  });
  const text = await request(provider, `${endpoints.stsUrl}/?${query.toString()}`, { method: 'POST', headers: { Accept: 'application/json' } }, endpoints.timeoutMS);
  const body = parseJson(provider, text);
  // The spec shows { Credentials }; STS itself wraps it in the response and result elements.
  const response = body.AssumeRoleWithWebIdentityResponse;
  const result = isRecord(response) ? response.AssumeRoleWithWebIdentityResult : body;
  const credentials = isRecord(result) ? result.Credentials : undefined;
  if (!isRecord(credentials)) throw fail(provider, 'the STS response has no Credentials');
  return temporaryCredentials(provider, credentials, 'SessionToken');
}

/** The ECS task role's credentials, at the path the ECS agent put in AWS_CONTAINER_CREDENTIALS_RELATIVE_URI. */
export async function credentialsFromEcs(relativeUri: string, endpoints: AwsEndpoints): Promise<AwsCredentials> {
  const provider = 'the ECS endpoint';
  const path = relativeUri.startsWith('/') ? relativeUri : `/${relativeUri}`;
  const text = await request(provider, `${endpoints.ecsUrl}${path}`, { method: 'GET' }, endpoints.timeoutMS);
  return temporaryCredentials(provider, parseJson(provider, text), 'Token');
}

/** IMDSv2: a session token (PUT), then the instance role's name, then that role's credentials. */
export async function credentialsFromEc2(endpoints: AwsEndpoints): Promise<AwsCredentials> {
  const provider = 'the EC2 instance metadata service';
  const base = endpoints.ec2Url;
  const token = await request(
    provider,
    `${base}/latest/api/token`,
    { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': IMDS_TOKEN_TTL_SECONDS } },
    endpoints.timeoutMS,
  );
  const headers = { 'X-aws-ec2-metadata-token': token };
  const rolesPath = `${base}/latest/meta-data/iam/security-credentials/`;
  const roleName = (await request(provider, rolesPath, { method: 'GET', headers }, endpoints.timeoutMS)).split('\n')[0]?.trim() ?? '';
  if (roleName.length === 0) throw fail(provider, 'the instance has no IAM role attached');
  const text = await request(provider, `${rolesPath}${encodeURIComponent(roleName)}`, { method: 'GET', headers }, endpoints.timeoutMS);
  const body = parseJson(provider, text);
  if (body.Code !== undefined && body.Code !== 'Success') throw fail(provider, `the credentials of role ${roleName} have Code ${JSON.stringify(body.Code)}`);
  return temporaryCredentials(provider, body, 'Token');
}
