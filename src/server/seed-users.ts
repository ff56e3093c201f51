// The users MemoryServer.start creates before it listens (options.users), and the access
// control setting they live under.
import { MongoInvalidArgumentError } from '../errors.js';
import { ServerSecurity } from './auth/security.js';
import { seedAwsCredentials } from './auth/aws-seed.js';
import { oidcProviderFrom } from './auth/oidc-provider.js';
import type { MemoryServerOptions } from './memory-server-options.js';

export function securityFrom(options: MemoryServerOptions): ServerSecurity {
  if (options.auth !== undefined && typeof options.auth !== 'boolean') throw new MongoInvalidArgumentError('MemoryServer auth must be a boolean');
  const security = new ServerSecurity(options.auth === true);
  for (const [i, seed] of (options.users ?? []).entries()) {
    const external = seed.db === '$external';
    if (typeof seed.user !== 'string' || seed.user.length === 0 || (typeof seed.pwd !== 'string' && !(external && seed.pwd === undefined))) {
      throw new MongoInvalidArgumentError(`MemoryServer users[${i}] needs a non-empty string 'user' and a string 'pwd' (optional only with db '$external')`);
    }
    try {
      // A $external user's password belongs to the simulated LDAP directory, not to the user document.
      const pwd = external ? undefined : seed.pwd;
      security.users.create({ user: seed.user, db: seed.db ?? 'admin', pwd, roles: seed.roles ?? [{ role: 'root', db: 'admin' }], mechanisms: seed.mechanisms });
      if (external && seed.pwd !== undefined) security.directory.setPassword(seed.user, seed.pwd);
    } catch (error) {
      throw new MongoInvalidArgumentError(`MemoryServer users[${i}] (${seed.user}) is invalid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  seedAwsCredentials(security, options.awsCredentials, options.awsStsHost);
  security.oidc = oidcProviderFrom(options.oidc);
  return security;
}
