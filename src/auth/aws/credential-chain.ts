// The spec's credential fetching order (after a custom AWS_CREDENTIAL_PROVIDER)
// and its cache: cached temporary credentials while more than five minutes
// from Expiration, else environment variables (never cached, read on every
// attempt), else AssumeRoleWithWebIdentity, else ECS when
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set, else EC2 — these three cached.
// No lock around fetching (the spec forbids a bottleneck beside maxConnecting):
// concurrent misses each fetch, and the last writes the cache in one assignment.
import { MongoAWSError } from '../../errors.js';
import {
  credentialsFromEc2,
  credentialsFromEcs,
  credentialsFromEnvironment,
  credentialsFromWebIdentity,
  DEFAULT_AWS_ENDPOINTS,
  webIdentityConfigured,
  type AwsCredentials,
  type AwsEndpoints,
  type AwsEnvironment,
} from './credential-providers.js';

/** The AWS SDK's credential provider shape (AwsCredentialIdentityProvider), what AWS_CREDENTIAL_PROVIDER must be. */
export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/** A provider that keeps a cache the authenticator clears when authentication fails (the spec's rule). */
export interface CachingAwsCredentialProvider extends AwsCredentialProvider {
  clearCache(): void;
}

export interface AwsCredentialChainOptions {
  /** The environment, read on every attempt; default process.env. */
  readonly env?: () => AwsEnvironment;
  /** Base URLs of STS, ECS and EC2 metadata, and the per-request timeout. */
  readonly endpoints?: Partial<AwsEndpoints>;
  /** The clock deciding expiry; default Date.now. */
  readonly now?: () => number;
}

/** Cached credentials are used only while more than this far from expiring (the spec's five minutes). */
export const EXPIRY_MARGIN_MS = 5 * 60_000;

export type AwsCredentialSource = 'cache' | 'environment' | 'web identity' | 'ECS' | 'EC2';

export class AwsCredentialChain {
  /**
   * The cached temporary credentials. Public so that the spec's cache tests can read it and
   * override it (an Expiration near now, a poisoned key); the chain itself replaces it whole.
   */
  cache: AwsCredentials | undefined;
  private readonly env: () => AwsEnvironment;
  private readonly endpoints: AwsEndpoints;
  private readonly now: () => number;

  constructor(options: AwsCredentialChainOptions = {}) {
    this.env = options.env ?? (() => process.env);
    this.endpoints = { ...DEFAULT_AWS_ENDPOINTS, ...options.endpoints };
    this.now = options.now ?? Date.now;
    const { timeoutMS } = this.endpoints;
    if (!Number.isFinite(timeoutMS) || timeoutMS <= 0) throw new MongoAWSError(`MONGODB-AWS: the credential request timeout must be a positive number of ms, got ${String(timeoutMS)}`);
  }

  async credentials(): Promise<{ credentials: AwsCredentials; source: AwsCredentialSource }> {
    const cached = this.cache;
    if (cached !== undefined && this.fresh(cached)) return { credentials: cached, source: 'cache' };
    const env = this.env();
    const fromEnvironment = credentialsFromEnvironment(env);
    if (fromEnvironment !== undefined) return { credentials: fromEnvironment, source: 'environment' };
    const [fetched, source] = await this.fetchTemporary(env);
    // Credentials without an Expiration cannot be judged fresh later: fetch them again next time.
    this.cache = fetched.expiration === undefined ? undefined : fetched;
    return { credentials: fetched, source };
  }

  clearCache(): void {
    this.cache = undefined;
  }

  private fresh(credentials: AwsCredentials): boolean {
    const expiration = credentials.expiration;
    return expiration !== undefined && expiration.getTime() - this.now() > EXPIRY_MARGIN_MS;
  }

  private async fetchTemporary(env: AwsEnvironment): Promise<[AwsCredentials, AwsCredentialSource]> {
    if (webIdentityConfigured(env)) return [await credentialsFromWebIdentity(env, this.endpoints), 'web identity'];
    const relativeUri = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
    if (relativeUri !== undefined && relativeUri.length > 0) return [await credentialsFromEcs(relativeUri, this.endpoints), 'ECS'];
    try {
      return [await credentialsFromEc2(this.endpoints), 'EC2'];
    } catch (error) {
      // EC2 is the last resort: outside AWS this is where a missing configuration shows, so say what else was looked for.
      const message = error instanceof Error ? error.message : String(error);
      throw new MongoAWSError(
        `${message} (no credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, ` +
          'or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI either; set one of them or pass AWS_CREDENTIAL_PROVIDER)',
        { cause: error },
      );
    }
  }
}

/**
 * The built-in chain as an AWS_CREDENTIAL_PROVIDER (the spec's "custom credential provider
 * chain"), with the environment, endpoints and clock replaceable, e.g. by tests standing in for AWS.
 */
export function awsCredentialChainProvider(options: AwsCredentialChainOptions | AwsCredentialChain = {}): CachingAwsCredentialProvider {
  const chain = options instanceof AwsCredentialChain ? options : new AwsCredentialChain(options);
  const provider = async (): Promise<AwsCredentials> => (await chain.credentials()).credentials;
  return Object.assign(provider, { clearCache: () => chain.clearCache() });
}
