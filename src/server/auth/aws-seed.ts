// MemoryServerOptions.awsCredentials / awsStsHost: the AWS key pairs the
// embedded server's simulated STS recognises (see aws-sts-simulation.ts). A key
// authenticates the $external user its ARN names (an assumed role's session ARN
// names the role's user); seeding the user itself is left to `users`, as with
// mongod, where the ARN user and the IAM identity are managed separately.
import { MongoInvalidArgumentError } from '../../errors.js';
import type { AwsKeyRegistration } from './aws-sts-simulation.js';
import type { ServerSecurity } from './security.js';

export type MemoryServerAwsCredential = AwsKeyRegistration;

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function seedAwsCredentials(security: ServerSecurity, keys: readonly MemoryServerAwsCredential[] | undefined, stsHost: string | undefined): void {
  if (stsHost !== undefined) {
    if (!nonEmpty(stsHost)) throw new MongoInvalidArgumentError('MemoryServer awsStsHost must be a non-empty string');
    // Not validated further on purpose: tests use invalid hosts to see drivers refuse them.
    security.awsStsHost = stsHost;
  }
  for (const [i, key] of (keys ?? []).entries()) {
    const { accessKeyId, secretAccessKey, sessionToken, arn } = key;
    if (!nonEmpty(accessKeyId) || !nonEmpty(secretAccessKey) || !nonEmpty(arn) || (sessionToken !== undefined && !nonEmpty(sessionToken))) {
      throw new MongoInvalidArgumentError(
        `MemoryServer awsCredentials[${i}] needs non-empty strings accessKeyId, secretAccessKey and arn (and sessionToken, when given)`,
      );
    }
    security.awsSts.register({ accessKeyId, secretAccessKey, arn, ...(sessionToken === undefined ? {} : { sessionToken }) });
  }
}
