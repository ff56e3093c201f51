// Where MONGODB-OIDC access tokens come from: the application's OIDC_CALLBACK,
// or one of the auth spec's built-in environments (test, azure, gcp, k8s), each
// shaped as a machine callback so the cache treats them alike. None caches:
// the client's token cache does. Azure and GCP use the global `fetch`, which is
// also how tests substitute their metadata endpoints.
import { readFile } from 'node:fs/promises';
import { MongoInvalidArgumentError, MongoOIDCError } from '../../errors.js';
import { isDocument } from '../../util/is-document.js';
import type { MongoCredentials } from '../credentials.js';
import type { IdpInfo } from './token-cache.js';

/** What OIDC_CALLBACK receives (the spec's callback API version 1). */
export interface OidcCallbackParams {
  /** Aborted when the callback's time is up (min(connectTimeoutMS, timeoutMS), else one minute). */
  readonly timeoutContext: AbortSignal;
  readonly version: 1;
  readonly username?: string;
}

/** What OIDC_HUMAN_CALLBACK receives: also the server's IdP information and, when refreshing, the refresh token. */
export interface OidcHumanCallbackParams extends OidcCallbackParams {
  readonly idpInfo: IdpInfo;
  readonly refreshToken?: unknown;
}

/** What OIDC_CALLBACK returns. */
export interface OidcCallbackResult {
  readonly accessToken: string;
  readonly expiresInSeconds?: number;
  readonly refreshToken?: string;
}

export type OidcCallback = (params: OidcCallbackParams) => Promise<OidcCallbackResult> | OidcCallbackResult;
export type OidcHumanCallback = (params: OidcHumanCallbackParams) => Promise<OidcCallbackResult> | OidcCallbackResult;

export interface OidcTokenSource {
  /** Names the source in error messages: 'OIDC_CALLBACK', 'ENVIRONMENT:azure', … */
  readonly label: string;
  fetch(params: OidcCallbackParams): Promise<unknown>;
}

const AZURE_ENDPOINT = 'http://169.254.169.254/metadata/identity/oauth2/token';
const GCP_ENDPOINT = 'http://metadata/computeMetadata/v1/instance/service-accounts/default/identity';
const K8S_DEFAULT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Checks a source's answer: the spec allows an access token and an optional, non-negative expiry. */
export function accessTokenFrom(value: unknown, label: string): string {
  if (!isDocument(value)) throw new MongoOIDCError(`${label} returned ${value === null ? 'null' : typeof value}, not { accessToken }`);
  const { accessToken, expiresInSeconds } = value;
  if (typeof accessToken !== 'string' || accessToken.length === 0) throw new MongoOIDCError(`${label} returned no accessToken string`);
  if (expiresInSeconds !== undefined && (typeof expiresInSeconds !== 'number' || !(expiresInSeconds >= 0))) {
    throw new MongoOIDCError(`${label} returned expiresInSeconds ${String(expiresInSeconds)}; it must be a non-negative number`);
  }
  return accessToken;
}

async function readTokenFile(path: string, label: string): Promise<OidcCallbackResult> {
  let contents: string;
  try {
    contents = await readFile(path, 'utf8');
  } catch (error) {
    throw new MongoOIDCError(`${label} could not read the token file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // A trailing newline is an editor's, not the token's.
  return { accessToken: contents.trim() };
}

async function httpGet(url: string, headers: Record<string, string>, signal: AbortSignal, label: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (error) {
    throw new MongoOIDCError(`${label} could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const body = await response.text();
  if (response.status !== 200) throw new MongoOIDCError(`${label}: ${url} answered HTTP ${response.status}: ${body}`);
  return body;
}

function callbackSource(callback: OidcCallback): OidcTokenSource {
  return { label: 'OIDC_CALLBACK', fetch: async (params) => callback(params) };
}

function environmentSource(credentials: MongoCredentials, environment: string): OidcTokenSource {
  const label = `ENVIRONMENT:${environment}`;
  const resource = credentials.mechanismProperties.TOKEN_RESOURCE;
  switch (environment) {
    case 'test':
      return {
        label,
        fetch: async () => {
          const file = process.env.OIDC_TOKEN_FILE;
          if (file === undefined || file.length === 0) throw new MongoOIDCError(`${label} needs the OIDC_TOKEN_FILE environment variable naming the token file`);
          return readTokenFile(file, label);
        },
      };
    case 'k8s':
      return {
        label,
        fetch: async () => {
          const file = process.env.AZURE_FEDERATED_TOKEN_FILE ?? process.env.AWS_WEB_IDENTITY_TOKEN_FILE ?? K8S_DEFAULT_TOKEN_FILE;
          return readTokenFile(file, label);
        },
      };
    case 'azure':
      return {
        label,
        fetch: async (params) => {
          const query = new URLSearchParams({ 'api-version': '2018-02-01', resource: String(resource) });
          if (params.username !== undefined) query.set('client_id', params.username);
          const body = await httpGet(`${AZURE_ENDPOINT}?${query.toString()}`, { Accept: 'application/json', Metadata: 'true' }, params.timeoutContext, label);
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            throw new MongoOIDCError(`${label}: the metadata service's reply is not JSON: ${body}`);
          }
          if (!isDocument(parsed) || typeof parsed.access_token !== 'string') throw new MongoOIDCError(`${label}: the metadata service's reply has no access_token: ${body}`);
          const expiresIn = Number(parsed.expires_in);
          return { accessToken: parsed.access_token, ...(Number.isFinite(expiresIn) ? { expiresInSeconds: expiresIn } : {}) };
        },
      };
    case 'gcp':
      return {
        label,
        fetch: async (params) => {
          const query = new URLSearchParams({ audience: String(resource) });
          const body = await httpGet(`${GCP_ENDPOINT}?${query.toString()}`, { 'Metadata-Flavor': 'Google' }, params.timeoutContext, label);
          return { accessToken: body.trim() };
        },
      };
    default:
      throw new MongoInvalidArgumentError(`MONGODB-OIDC ENVIRONMENT ${environment} is not supported`);
  }
}

/** The credential's human callback (OIDC_HUMAN_CALLBACK), when it configures the human flow. */
export function humanCallbackOf(credentials: MongoCredentials): OidcHumanCallback | undefined {
  const callback = credentials.mechanismProperties.OIDC_HUMAN_CALLBACK;
  return typeof callback === 'function' ? (callback as unknown as OidcHumanCallback) : undefined;
}

/** The credential's machine token source (OIDC_CALLBACK or ENVIRONMENT). */
export function tokenSourceFor(credentials: MongoCredentials): OidcTokenSource {
  const properties = credentials.mechanismProperties;
  const callback = properties.OIDC_CALLBACK;
  if (typeof callback === 'function') return callbackSource(callback as unknown as OidcCallback);
  const environment = properties.ENVIRONMENT;
  if (typeof environment === 'string') return environmentSource(credentials, environment);
  throw new MongoInvalidArgumentError('MONGODB-OIDC requires the ENVIRONMENT mechanism property or OIDC_CALLBACK');
}
