// mongod's built-in roles, reduced to what the embedded server enforces: for
// each role, which actions it grants on which resources. Source:
// mongodb/mongo src/mongo/db/auth/builtin_roles.yml (8.x), whose matchTypes map
// to ours as: database -> the role's own database; any_normal -> every database
// but local and config; cluster -> the cluster resource. Approximations (this
// is a test server): no system.* collection special cases; root grants every
// action everywhere; clusterAdmin grants every cluster action (its three
// sub-roles list ~60, every one of them an admin command here).
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';

export interface RoleName {
  readonly role: string;
  readonly db: string;
}

/** What a privilege applies to: a collection, a whole database, or the cluster. */
export type Resource = { readonly kind: 'collection'; readonly db: string; readonly coll: string } | { readonly kind: 'database'; readonly db: string } | { readonly kind: 'cluster' };

/** A privilege's resource pattern, as mongod stores and lists it. */
export type ResourcePattern = { readonly db: string; readonly collection: string } | { readonly cluster: true } | { readonly anyResource: true };

type Scope = 'ownDatabase' | 'anyNormalDatabase' | 'cluster' | 'anything';
interface Grant {
  readonly scope: Scope;
  /** '*' grants every action. */
  readonly actions: ReadonlySet<string> | '*';
}

const READ = ['changeStream', 'collStats', 'dbHash', 'dbStats', 'find', 'killCursors', 'listCollections', 'listIndexes', 'listSearchIndexes', 'planCacheRead'];
const READ_WRITE = [
  ...READ, 'convertToCapped', 'createCollection', 'createIndex', 'createSearchIndexes', 'dropCollection', 'dropIndex', 'dropSearchIndex',
  'insert', 'remove', 'renameCollectionSameDB', 'update', 'updateSearchIndex',
];
const USER_ADMIN = ['changeCustomData', 'changePassword', 'createUser', 'createRole', 'dropUser', 'dropRole', 'grantRole', 'revokeRole', 'setAuthenticationRestriction', 'viewUser', 'viewRole'];
const DB_ADMIN = [
  'analyze', 'bypassDocumentValidation', 'collMod', 'collStats', 'compact', 'convertToCapped', 'createCollection', 'dbStats', 'dropCollection',
  'dropDatabase', 'dropIndex', 'dropSearchIndex', 'createIndex', 'createSearchIndexes', 'enableProfiler', 'listCollections', 'listIndexes',
  'listSearchIndexes', 'updateSearchIndex', 'planCacheIndexFilter', 'planCacheRead', 'planCacheWrite', 'reIndex', 'renameCollectionSameDB',
  'storageDetails', 'validate',
];

const grant = (scope: Scope, actions: readonly string[] | '*'): Grant => ({ scope, actions: actions === '*' ? '*' : new Set(actions) });

const BUILTIN_ROLES: Readonly<Record<string, { readonly adminOnly: boolean; readonly grants: readonly Grant[] }>> = {
  read: { adminOnly: false, grants: [grant('ownDatabase', READ)] },
  readWrite: { adminOnly: false, grants: [grant('ownDatabase', READ_WRITE)] },
  userAdmin: { adminOnly: false, grants: [grant('ownDatabase', USER_ADMIN)] },
  dbAdmin: { adminOnly: false, grants: [grant('ownDatabase', DB_ADMIN)] },
  dbOwner: { adminOnly: false, grants: [grant('ownDatabase', [...READ_WRITE, ...DB_ADMIN, ...USER_ADMIN])] },
  readAnyDatabase: { adminOnly: true, grants: [grant('anyNormalDatabase', READ), grant('cluster', ['listDatabases'])] },
  readWriteAnyDatabase: { adminOnly: true, grants: [grant('anyNormalDatabase', READ_WRITE), grant('cluster', ['listDatabases'])] },
  userAdminAnyDatabase: {
    adminOnly: true,
    grants: [grant('anyNormalDatabase', [...USER_ADMIN, 'listCachedAndActiveUsers']), grant('cluster', ['listDatabases', 'authSchemaUpgrade', 'invalidateUserCache', 'viewUser'])],
  },
  dbAdminAnyDatabase: { adminOnly: true, grants: [grant('anyNormalDatabase', DB_ADMIN), grant('cluster', ['listDatabases', 'applyOps'])] },
  clusterAdmin: { adminOnly: true, grants: [grant('cluster', '*'), grant('anyNormalDatabase', ['dropDatabase', 'killCursors', 'collStats', 'dbStats', 'indexStats'])] },
  root: { adminOnly: true, grants: [grant('anything', '*')] },
};

/** Databases any_normal leaves out (mongod's readAnyDatabase & co. exclude local and config). */
const NOT_NORMAL_DATABASES = new Set(['local', 'config']);

function scopeCovers(scope: Scope, roleDb: string, resource: Resource): boolean {
  switch (scope) {
    case 'anything':
      return true;
    case 'cluster':
      return resource.kind === 'cluster';
    case 'ownDatabase':
      return resource.kind !== 'cluster' && resource.db === roleDb;
    case 'anyNormalDatabase':
      return resource.kind !== 'cluster' && !NOT_NORMAL_DATABASES.has(resource.db);
  }
}

/** Whether one of `roles` grants `action` on `resource`; action '*' asks for any action at all there. */
export function rolesGrant(roles: readonly RoleName[], action: string, resource: Resource): boolean {
  return roles.some((name) => {
    const role = isBuiltinRole(name) ? BUILTIN_ROLES[name.role] : undefined;
    if (role === undefined) return false;
    return role.grants.some((g) => (g.actions === '*' || action === '*' || g.actions.has(action)) && scopeCovers(g.scope, name.db, resource));
  });
}

/**
 * A createUser / updateUser / grantRolesToUser roles entry as mongod resolves it: a bare string
 * names a role of the command's database. Unknown roles (and the AnyDatabase / cluster roles
 * outside admin) fail as mongod's RoleNotFound "Could not find role: <role>@<db>".
 */
export function resolveRoleName(entry: unknown, commandDb: string, isCustomRole?: (name: RoleName) => boolean): RoleName {
  const name = parseRoleName(entry, commandDb);
  if (isBuiltinRole(name) || isCustomRole?.(name) === true) return name;
  throw new CommandError(ErrorCodes.RoleNotFound, `Could not find role: ${name.role}@${name.db}`);
}

/** A role entry's name (a bare string names a role of `commandDb`), without checking that the role exists. */
export function parseRoleName(entry: unknown, commandDb: string): RoleName {
  let name: RoleName;
  if (typeof entry === 'string') {
    name = { role: entry, db: commandDb };
  } else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const { role, db } = entry as { role?: unknown; db?: unknown };
    if (typeof role !== 'string' || typeof db !== 'string') {
      throw new CommandError(ErrorCodes.BadValue, "Role names must be either strings or objects with 'role' and 'db' fields");
    }
    name = { role, db };
  } else {
    throw new CommandError(ErrorCodes.BadValue, "Role names must be either strings or objects with 'role' and 'db' fields");
  }
  return name;
}

/** Whether `name` is a built-in role (the AnyDatabase and cluster roles exist only in admin). */
export function isBuiltinRole(name: RoleName): boolean {
  const role = Object.hasOwn(BUILTIN_ROLES, name.role) ? BUILTIN_ROLES[name.role] : undefined;
  return role !== undefined && (!role.adminOnly || name.db === 'admin');
}

/** Built-in roles that exist in `db` (rolesInfo's showBuiltinRoles). */
export function builtinRolesOf(db: string): RoleName[] {
  return Object.keys(BUILTIN_ROLES).map((role) => ({ role, db })).filter(isBuiltinRole);
}

/** The databases a built-in role grants anything in: a list, or 'all'. */
export function builtinRoleDatabases(name: RoleName): readonly string[] | 'all' {
  const grants = BUILTIN_ROLES[name.role]?.grants ?? [];
  if (grants.some((g) => g.scope === 'anything' || g.scope === 'anyNormalDatabase')) return 'all';
  return grants.some((g) => g.scope === 'ownDatabase') ? [name.db] : [];
}

/**
 * The user's privileges as connectionStatus { showPrivileges: true } lists them: one entry per
 * resource pattern, actions merged and sorted (mongod's connection_status.cpp expandPrivileges).
 */
export function privilegesOf(roles: readonly RoleName[]): Array<{ resource: ResourcePattern; actions: string[] }> {
  const merged = new Map<string, { resource: ResourcePattern; actions: Set<string> }>();
  for (const name of roles) {
    for (const g of isBuiltinRole(name) ? (BUILTIN_ROLES[name.role]?.grants ?? []) : []) {
      const resource: ResourcePattern =
        g.scope === 'anything' ? { anyResource: true }
        : g.scope === 'cluster' ? { cluster: true }
        : { db: g.scope === 'ownDatabase' ? name.db : '', collection: '' };
      const key = JSON.stringify(resource);
      const entry = merged.get(key) ?? { resource, actions: new Set<string>() };
      for (const action of g.actions === '*' ? ['anyAction'] : g.actions) entry.actions.add(action);
      merged.set(key, entry);
    }
  }
  return [...merged.values()].map((entry) => ({ resource: entry.resource, actions: [...entry.actions].sort() }));
}
