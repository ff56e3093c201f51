// The credential a client authenticates with, and the auth spec's rules for
// defaulting and validating it per mechanism. Built once, at option parsing.
import { MongoInvalidArgumentError } from '../errors.js';

export const AUTH_MECHANISMS = ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'PLAIN', 'GSSAPI', 'MONGODB-X509', 'MONGODB-AWS', 'MONGODB-OIDC'] as const;
export type AuthMechanism = (typeof AUTH_MECHANISMS)[number];

/** A callback (OIDC_CALLBACK, AWS_CREDENTIAL_PROVIDER, …): called by the auth layer, never by parsing. */
export type MechanismCallback = (...args: never[]) => unknown;
export type MechanismPropertyValue = string | boolean | readonly string[] | MechanismCallback;
export type MechanismProperties = Readonly<Record<string, MechanismPropertyValue>>;

export interface MongoCredentials {
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The database the authentication conversation is sent to. */
  readonly source: string;
  /** undefined: negotiate SCRAM-SHA-256 / SCRAM-SHA-1 from the handshake's saslSupportedMechs. */
  readonly mechanism: AuthMechanism | undefined;
  readonly mechanismProperties: MechanismProperties;
}

export interface CredentialsInput {
  /** An '@' appeared in the URI (or auth was given in code): the user asked for authentication. */
  userInfoGiven: boolean;
  username?: string;
  password?: string;
  authSource?: string;
  /** The database in the URI path: only a default source, never a request for auth. */
  defaultDatabase?: string;
  mechanism?: string;
  mechanismProperties?: Readonly<Record<string, MechanismPropertyValue>>;
}

export const OIDC_ENVIRONMENTS = ['test', 'azure', 'gcp', 'k8s'] as const;
export const DEFAULT_OIDC_ALLOWED_HOSTS: readonly string[] = Object.freeze([
  '*.mongodb.net',
  '*.mongodb-qa.net',
  '*.mongodb-dev.net',
  '*.mongodbgov.net',
  'localhost',
  '127.0.0.1',
  '::1',
  '*.mongo.com',
]);

const CANONICALIZE_HOST_NAME_VALUES: readonly unknown[] = [true, false, 'true', 'false', 'none', 'forward', 'forwardAndReverse'];

/** Which mechanism properties each mechanism understands; any other property is an error. */
const ALLOWED_PROPERTIES: Readonly<Record<AuthMechanism, readonly string[]>> = {
  'SCRAM-SHA-1': [],
  'SCRAM-SHA-256': [],
  PLAIN: [],
  'MONGODB-X509': [],
  GSSAPI: ['SERVICE_NAME', 'CANONICALIZE_HOST_NAME', 'SERVICE_REALM', 'SERVICE_HOST'],
  'MONGODB-AWS': ['AWS_CREDENTIAL_PROVIDER'],
  'MONGODB-OIDC': ['ENVIRONMENT', 'TOKEN_RESOURCE', 'OIDC_CALLBACK', 'OIDC_HUMAN_CALLBACK', 'ALLOWED_HOSTS'],
};

export function isAuthMechanism(value: unknown): value is AuthMechanism {
  return typeof value === 'string' && (AUTH_MECHANISMS as readonly string[]).includes(value);
}

/**
 * Applies the auth spec: returns undefined when no authentication was asked for
 * (no userinfo and no mechanism; a path database or authSource alone never asks),
 * otherwise a frozen credential with defaults filled in. Throws MongoInvalidArgumentError
 * naming what is missing or not allowed.
 */
export function buildCredentials(input: CredentialsInput): MongoCredentials | undefined {
  const { mechanism: rawMechanism, authSource } = input;
  if (!input.userInfoGiven && rawMechanism === undefined) return undefined;
  if (rawMechanism !== undefined && !isAuthMechanism(rawMechanism)) {
    throw new MongoInvalidArgumentError(`authMechanism ${JSON.stringify(rawMechanism)} is not supported; expected one of ${AUTH_MECHANISMS.join(', ')}`);
  }
  const mechanism = rawMechanism;
  const label = mechanism ?? 'the default mechanism (SCRAM)';
  if (authSource !== undefined && authSource.length === 0) throw new MongoInvalidArgumentError('authSource must not be empty');
  const username = input.username;
  const password = input.password;
  const properties = normalizeProperties(input.mechanismProperties ?? {});

  for (const key of Object.keys(properties)) {
    const allowed = ALLOWED_PROPERTIES[mechanism ?? 'SCRAM-SHA-256'];
    if (!allowed.includes(key)) {
      throw new MongoInvalidArgumentError(`auth mechanism property ${key} is not supported by ${label}${allowed.length ? `; supported: ${allowed.join(', ')}` : ''}`);
    }
  }

  const requireUsername = (): void => {
    if (username === undefined || username.length === 0) throw new MongoInvalidArgumentError(`${label} requires a username`);
  };
  const forbidPassword = (): void => {
    if (password !== undefined) throw new MongoInvalidArgumentError(`${label} does not accept a password`);
  };
  const externalSource = (): string => {
    if (authSource !== undefined && authSource !== '$external') {
      throw new MongoInvalidArgumentError(`${label} requires authSource $external, got ${JSON.stringify(authSource)}`);
    }
    return '$external';
  };

  let source: string;
  const finalProperties: Record<string, MechanismPropertyValue> = { ...properties };
  switch (mechanism) {
    case undefined:
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
      requireUsername();
      // With an explicit SCRAM mechanism a password is required; a negotiated one may still get it elsewhere.
      if (mechanism !== undefined && password === undefined) throw new MongoInvalidArgumentError(`${label} requires a password`);
      source = authSource ?? input.defaultDatabase ?? 'admin';
      break;
    case 'PLAIN':
      requireUsername();
      if (password === undefined) throw new MongoInvalidArgumentError('PLAIN requires a password');
      source = authSource ?? input.defaultDatabase ?? '$external';
      break;
    case 'GSSAPI': {
      requireUsername();
      source = externalSource();
      finalProperties.SERVICE_NAME ??= 'mongodb';
      const canonicalize = finalProperties.CANONICALIZE_HOST_NAME;
      if (canonicalize !== undefined && !CANONICALIZE_HOST_NAME_VALUES.includes(canonicalize)) {
        throw new MongoInvalidArgumentError(
          `invalid CANONICALIZE_HOST_NAME ${JSON.stringify(canonicalize)}; expected none, forward, forwardAndReverse, true or false`,
        );
      }
      break;
    }
    case 'MONGODB-X509':
      forbidPassword();
      source = externalSource();
      break;
    case 'MONGODB-AWS':
      // Since 2025-09 the spec takes AWS credentials only from the environment / AWS SDK.
      if (username !== undefined || password !== undefined) {
        throw new MongoInvalidArgumentError('MONGODB-AWS does not accept a username or password: credentials come from the environment or the AWS SDK');
      }
      source = externalSource();
      if (finalProperties.AWS_CREDENTIAL_PROVIDER !== undefined && typeof finalProperties.AWS_CREDENTIAL_PROVIDER !== 'function') {
        throw new MongoInvalidArgumentError('AWS_CREDENTIAL_PROVIDER must be a function returning a promise of AWS credentials (it cannot come from the connection string)');
      }
      break;
    case 'MONGODB-OIDC':
      forbidPassword();
      source = externalSource();
      validateOidc(finalProperties, username);
      break;
  }

  return Object.freeze({
    username,
    password,
    source,
    mechanism,
    mechanismProperties: Object.freeze(finalProperties),
  });
}

function validateOidc(properties: Record<string, MechanismPropertyValue>, username: string | undefined): void {
  const environment = properties.ENVIRONMENT;
  const callback = properties.OIDC_CALLBACK;
  const humanCallback = properties.OIDC_HUMAN_CALLBACK;
  if (callback !== undefined && typeof callback !== 'function') throw new MongoInvalidArgumentError('OIDC_CALLBACK must be a function');
  if (humanCallback !== undefined && typeof humanCallback !== 'function') throw new MongoInvalidArgumentError('OIDC_HUMAN_CALLBACK must be a function');
  if (callback !== undefined && humanCallback !== undefined) {
    throw new MongoInvalidArgumentError('MONGODB-OIDC accepts OIDC_CALLBACK or OIDC_HUMAN_CALLBACK, not both');
  }
  const hasCallback = callback !== undefined || humanCallback !== undefined;
  if (environment === undefined) {
    if (!hasCallback) throw new MongoInvalidArgumentError('MONGODB-OIDC requires the ENVIRONMENT mechanism property or an OIDC callback');
  } else {
    if (typeof environment !== 'string' || !(OIDC_ENVIRONMENTS as readonly string[]).includes(environment)) {
      throw new MongoInvalidArgumentError(`MONGODB-OIDC ENVIRONMENT ${JSON.stringify(environment)} is not supported; expected one of ${OIDC_ENVIRONMENTS.join(', ')}`);
    }
    if (hasCallback) throw new MongoInvalidArgumentError('MONGODB-OIDC accepts either ENVIRONMENT or an OIDC callback, not both');
    if (environment === 'test' && username !== undefined) throw new MongoInvalidArgumentError('MONGODB-OIDC ENVIRONMENT test does not accept a username');
  }
  const needsResource = environment === 'azure' || environment === 'gcp';
  const tokenResource = properties.TOKEN_RESOURCE;
  if (needsResource && tokenResource === undefined) {
    throw new MongoInvalidArgumentError(`MONGODB-OIDC ENVIRONMENT ${String(environment)} requires the TOKEN_RESOURCE mechanism property`);
  }
  if (!needsResource && tokenResource !== undefined) {
    throw new MongoInvalidArgumentError('MONGODB-OIDC TOKEN_RESOURCE is only valid with ENVIRONMENT azure or gcp');
  }
  if (tokenResource !== undefined && typeof tokenResource !== 'string') throw new MongoInvalidArgumentError('TOKEN_RESOURCE must be a string');
  const allowedHosts = properties.ALLOWED_HOSTS;
  // ALLOWED_HOSTS guards the human callback only; with a built-in environment it is a configuration mistake.
  if (allowedHosts !== undefined && environment !== undefined) {
    throw new MongoInvalidArgumentError('ALLOWED_HOSTS applies only to the human flow (OIDC_HUMAN_CALLBACK), not to ENVIRONMENT');
  }
  if (allowedHosts === undefined) {
    properties.ALLOWED_HOSTS = DEFAULT_OIDC_ALLOWED_HOSTS;
  } else if (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string')) {
    throw new MongoInvalidArgumentError('ALLOWED_HOSTS must be an array of host name strings');
  }
}

/** Property names are case-insensitive in the spec; we store them upper-cased. */
function normalizeProperties(properties: Readonly<Record<string, MechanismPropertyValue>>): Record<string, MechanismPropertyValue> {
  const out: Record<string, MechanismPropertyValue> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value !== undefined) out[key.toUpperCase()] = value;
  }
  return out;
}
