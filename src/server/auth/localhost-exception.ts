// mongod's localhost exception: with access control on and no user defined yet, a
// connection from the loopback interface may bootstrap the system, i.e. create the
// first user (mongodb/mongo src/mongo/db/auth/authorization_session_impl.cpp,
// _getDefaultPrivileges: createUser + grantRole on admin, createUser on $external,
// and addShard / replSetConfigure / replSetGetStatus on the cluster). Such a
// connection skips the "requires authentication" check and is authorized for
// exactly those privileges; it ends as soon as one user exists.
import type { Privilege } from './command-privileges.js';

const CLUSTER_ACTIONS = new Set(['addShard', 'replSetConfigure', 'replSetGetStatus']);

export function localhostExceptionAllows(privilege: Privilege): boolean {
  const { action, resource } = privilege;
  if (resource.kind === 'cluster') return CLUSTER_ACTIONS.has(action);
  if (resource.kind !== 'database') return false;
  if (resource.db === 'admin') return action === 'createUser' || action === 'grantRole';
  return resource.db === '$external' && action === 'createUser';
}

/** "127.0.0.1:5000", "::1:5000", "::ffff:127.0.0.1:5000" (the listener's host:port form). */
export function isLoopbackAddress(remoteAddress: string): boolean {
  const colon = remoteAddress.lastIndexOf(':');
  const host = colon < 0 ? remoteAddress : remoteAddress.slice(0, colon);
  return host === '::1' || host.startsWith('127.') || host.startsWith('::ffff:127.');
}
