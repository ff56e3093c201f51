// mongrove's public API. The embedded server is a separate entry point: 'mongrove/server'.
export * from './errors.js';
export * from './crud/index.js';
export * from './change-streams/index.js';
export * from './gridfs/index.js';
export { ReadPreference } from './concerns/read-preference.js';
export { ReadConcern } from './concerns/read-concern.js';
export { WriteConcern } from './concerns/write-concern.js';
export {
  Binary,
  BSONRegExp,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  EJSON,
} from './bson.js';
export type { Document } from './bson.js';
export * as bson from './bson.js';
export { AwsCredentialChain, awsCredentialChainProvider } from './auth/aws/credential-chain.js';
export type { AwsCredentialProvider, AwsCredentialChainOptions, CachingAwsCredentialProvider } from './auth/aws/credential-chain.js';
export type { AwsCredentials } from './auth/aws/credential-providers.js';
