// mongrove/server: the embedded MongoDB-wire-compatible test and development server.
export { MemoryServer } from './memory-server.js';
export type { MemoryServerOptions, MemoryServerUser, ServerErrorEvent } from './memory-server.js';
export type { ServerTlsOptions } from './wire-server/tls.js';
export type { MemoryServerAwsCredential } from './auth/aws-seed.js';
export type { MemoryServerOidcOptions } from './auth/oidc-provider.js';
export { CommandRegistry } from './command-registry.js';
export type { RegisterOptions } from './command-registry.js';
export { CommandError } from './command-error.js';
export { ErrorCodes, codeNameOf } from './error-codes.js';
export type { ErrorCodeName } from './error-codes.js';
export type { CommandContext, CommandHandler, ConnectionInfo, CursorOptions, CursorStore, ServerContext } from './types.js';
