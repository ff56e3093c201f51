// User-defined roles (createRole & co.): each grants its own privileges (actions on resource
// patterns) plus everything the roles it inherits grant, built-in or custom, transitively.
// Validation follows mongod's user_management_commands.cpp: a role outside admin may only hold
// privileges on, and inherit roles from, its own database; the role graph stays acyclic.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { builtinRoleDatabases, isBuiltinRole, privilegesOf, rolesGrant, type Resource, type ResourcePattern, type RoleName } from './roles.js';

/** mongod's InvalidRoleModification. */
const INVALID_ROLE_MODIFICATION = 49;

export type { ResourcePattern } from './roles.js';

export interface RolePrivilege {
  readonly resource: ResourcePattern;
  readonly actions: readonly string[];
}

export interface CustomRole {
  readonly role: string;
  readonly db: string;
  privileges: RolePrivilege[];
  /** The roles it inherits directly. */
  roles: RoleName[];
  authenticationRestrictions?: Document[];
}

const keyOf = (name: RoleName): string => `${name.db}\u0000${name.role}`;
const sameName = (a: RoleName, b: RoleName): boolean => a.role === b.role && a.db === b.db;
const resourceKey = (resource: ResourcePattern): string => JSON.stringify(resource);

function badPrivilege(message: string): CommandError {
  return new CommandError(ErrorCodes.BadValue, message);
}

function parseResource(raw: unknown): ResourcePattern {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badPrivilege("Privilege documents must have a 'resource' object");
  const resource = raw as Document;
  if (resource.anyResource === true && Object.keys(resource).length === 1) return { anyResource: true };
  if (resource.cluster === true && Object.keys(resource).length === 1) return { cluster: true };
  const { db, collection } = resource;
  if (typeof db === 'string' && typeof collection === 'string' && Object.keys(resource).length === 2) return { db, collection };
  throw badPrivilege(`resource pattern must contain 'db' and 'collection' strings, or 'cluster: true', or 'anyResource: true'; got ${JSON.stringify(raw)}`);
}

/** Parses a privileges array (createRole, updateRole, grant/revokePrivileges…), merging actions per resource. */
export function parsePrivileges(raw: unknown, field: string): RolePrivilege[] {
  if (!Array.isArray(raw)) throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type, expected type 'array'`);
  const merged = new Map<string, { resource: ResourcePattern; actions: Set<string> }>();
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw badPrivilege('Each privilege must be an object with resource and actions');
    const resource = parseResource((entry as Document).resource);
    const actions: unknown = (entry as Document).actions;
    if (!Array.isArray(actions) || actions.some((a) => typeof a !== 'string')) throw badPrivilege("Privilege documents must have an 'actions' array of strings");
    const key = resourceKey(resource);
    const slot = merged.get(key) ?? { resource, actions: new Set<string>() };
    for (const action of actions as string[]) slot.actions.add(action);
    merged.set(key, slot);
  }
  return [...merged.values()].map(({ resource, actions }) => ({ resource, actions: [...actions].sort() }));
}

/** mongod's checkOkayToGrantPrivilegesToRole. */
export function checkGrantablePrivileges(role: RoleName, privileges: readonly RolePrivilege[]): void {
  if (role.db === 'admin') return;
  for (const { resource } of privileges) {
    if ('db' in resource && resource.db === role.db) continue;
    throw new CommandError(INVALID_ROLE_MODIFICATION, `Roles on the '${role.db}' database cannot be granted privileges that target other databases or the cluster`);
  }
}

function patternCovers(pattern: ResourcePattern, resource: Resource): boolean {
  if ('anyResource' in pattern) return true;
  if ('cluster' in pattern) return resource.kind === 'cluster';
  if (resource.kind === 'cluster') return false;
  if (pattern.db === '' && pattern.collection === '') return true;
  if (pattern.collection === '') return resource.db === pattern.db;
  if (resource.kind !== 'collection' || resource.coll !== pattern.collection) return false;
  return pattern.db === '' || pattern.db === resource.db;
}

/** Merges `more` into `into` (actions unioned per resource pattern). */
function mergePrivileges(into: RolePrivilege[], more: readonly RolePrivilege[]): RolePrivilege[] {
  const merged = new Map<string, { resource: ResourcePattern; actions: Set<string> }>();
  for (const p of [...into, ...more]) {
    const key = resourceKey(p.resource);
    const slot = merged.get(key) ?? { resource: p.resource, actions: new Set<string>() };
    for (const action of p.actions) slot.actions.add(action);
    merged.set(key, slot);
  }
  return [...merged.values()].map(({ resource, actions }) => ({ resource, actions: [...actions].sort() }));
}

export class RoleStore {
  private readonly roles = new Map<string, CustomRole>();

  get(name: RoleName): CustomRole | undefined {
    return this.roles.get(keyOf(name));
  }

  has(name: RoleName): boolean {
    return this.roles.has(keyOf(name));
  }

  /** The role, or RoleNotFound as mongod's rolesExist reports it. */
  existing(name: RoleName): CustomRole {
    const role = this.get(name);
    if (role === undefined) throw new CommandError(ErrorCodes.RoleNotFound, `Could not find role: ${name.role}@${name.db}`);
    return role;
  }

  all(): CustomRole[] {
    return [...this.roles.values()];
  }

  create(role: CustomRole): void {
    if (this.has(role)) throw new CommandError(51002, `Role "${role.role}@${role.db}" already exists`);
    this.checkGrantableRoles(role, role.roles);
    checkGrantablePrivileges(role, role.privileges);
    this.roles.set(keyOf(role), role);
  }

  /** Drops a role and removes it from every role inheriting it; returns whether it existed. */
  drop(name: RoleName): boolean {
    if (!this.roles.delete(keyOf(name))) return false;
    for (const role of this.roles.values()) role.roles = role.roles.filter((r) => !sameName(r, name));
    return true;
  }

  /** Drops every role of a database; returns the dropped names. */
  dropAll(db: string): RoleName[] {
    const dropped = this.all().filter((role) => role.db === db);
    for (const role of dropped) this.drop(role);
    return dropped.map((role) => ({ role: role.role, db: role.db }));
  }

  /** mongod's checkOkayToGrantRolesToRole: existing roles, same database outside admin, no cycles. */
  checkGrantableRoles(role: RoleName, granted: readonly RoleName[]): void {
    for (const name of granted) {
      if (sameName(name, role)) throw new CommandError(INVALID_ROLE_MODIFICATION, `Cannot grant role ${role.role}@${role.db} to itself.`);
      if (role.db !== 'admin' && name.db !== role.db) {
        throw new CommandError(INVALID_ROLE_MODIFICATION, `Roles on the '${role.db}' database cannot be granted roles from other databases`);
      }
      if (!isBuiltinRole(name) && !this.has(name)) throw new CommandError(ErrorCodes.RoleNotFound, `Could not find role: ${name.role}@${name.db}`);
      if (this.inherited([name]).some((r) => sameName(r, role))) {
        throw new CommandError(INVALID_ROLE_MODIFICATION, `Granting ${name.role}@${name.db} to ${role.role}@${role.db} would introduce a cycle in the role graph.`);
      }
    }
  }

  /** Every role `roles` inherit, directly or not (not the roles themselves, unless a cycle). */
  inherited(roles: readonly RoleName[]): RoleName[] {
    const out: RoleName[] = [];
    const queue = roles.flatMap((name) => this.get(name)?.roles ?? []);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const name = next;
      if (out.some((r) => sameName(r, name))) continue;
      out.push(name);
      queue.push(...(this.get(name)?.roles ?? []));
    }
    return out;
  }

  /** `roles` and every role they inherit, without duplicates. */
  closure(roles: readonly RoleName[]): RoleName[] {
    const out: RoleName[] = [];
    for (const name of [...roles, ...this.inherited(roles)]) if (!out.some((r) => sameName(r, name))) out.push(name);
    return out;
  }

  /** Whether `roles` (with what they inherit) grant `action` on `resource`; action '*' asks for any action. */
  grants(roles: readonly RoleName[], action: string, resource: Resource): boolean {
    const all = this.closure(roles);
    if (rolesGrant(all, action, resource)) return true;
    return all.some((name) => (this.get(name)?.privileges ?? []).some((p) => (action === '*' || p.actions.includes(action)) && patternCovers(p.resource, resource)));
  }

  /** The direct privileges of one role (a built-in role's as connectionStatus lists them). */
  directPrivileges(name: RoleName): RolePrivilege[] {
    if (isBuiltinRole(name)) return privilegesOf([name]);
    return (this.get(name)?.privileges ?? []).map((p) => ({ resource: p.resource, actions: [...p.actions] }));
  }

  /** Every privilege `roles` grant, inherited ones included, merged per resource. */
  privilegesOf(roles: readonly RoleName[]): RolePrivilege[] {
    let out: RolePrivilege[] = [];
    for (const name of this.closure(roles)) out = mergePrivileges(out, this.directPrivileges(name));
    return out;
  }

  /** The databases `roles` grant anything in, or 'all'. */
  databasesOf(roles: readonly RoleName[]): Set<string> | 'all' {
    const out = new Set<string>();
    for (const name of this.closure(roles)) {
      if (isBuiltinRole(name)) {
        const dbs = builtinRoleDatabases(name);
        if (dbs === 'all') return 'all';
        for (const db of dbs) out.add(db);
        continue;
      }
      for (const { resource } of this.get(name)?.privileges ?? []) {
        if ('anyResource' in resource || ('db' in resource && resource.db === '')) return 'all';
        if ('db' in resource) out.add(resource.db);
      }
    }
    return out;
  }
}
