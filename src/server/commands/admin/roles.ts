// Role management (createRole, updateRole, dropRole, dropAllRolesFromDatabase, grantRolesToRole,
// revokeRolesFromRole, grantPrivilegesToRole, revokePrivilegesFromRole, rolesInfo), after mongod's
// src/mongo/db/commands/user_management_commands.cpp. Roles live in the UserStore's RoleStore;
// access control (src/server/auth/security.ts) expands them with what they inherit.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { typeName } from '../../stable-api.js';
import { checkGrantablePrivileges, parsePrivileges, type CustomRole, type RolePrivilege, type RoleStore } from '../../auth/custom-roles.js';
import { builtinRolesOf, isBuiltinRole, parseRoleName, type RoleName } from '../../auth/roles.js';
import type { UserStore } from '../../auth/user-store.js';
import type { CommandHandler } from '../../types.js';

function roleNameArgument(command: Document, commandName: string, dbName: string): RoleName {
  const value: unknown = command[commandName];
  if (typeof value !== 'string') {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${commandName}' is the wrong type '${typeName(value)}', expected type 'string'`);
  }
  return { role: value, db: dbName };
}

function arrayField(command: Document, commandName: string, field: string, required: boolean): unknown[] | undefined {
  const value: unknown = command[field];
  if (value === undefined) {
    if (!required) return undefined;
    throw new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${commandName}.${field}' is missing but a required field`);
  }
  if (!Array.isArray(value)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type '${typeName(value)}', expected type 'array'`);
  }
  return value;
}

function nonEmptyArray(command: Document, commandName: string, field: string): unknown[] {
  const value = arrayField(command, commandName, field, true) ?? [];
  if (value.length === 0) throw new CommandError(ErrorCodes.BadValue, `${commandName} command requires a non-empty "${field}" array`);
  return value;
}

function roleNames(entries: readonly unknown[], dbName: string): RoleName[] {
  const out: RoleName[] = [];
  for (const entry of entries) {
    const name = parseRoleName(entry, dbName);
    if (!out.some((r) => r.role === name.role && r.db === name.db)) out.push(name);
  }
  return out;
}

function notBuiltin(name: RoleName): void {
  if (isBuiltinRole(name)) throw new CommandError(ErrorCodes.BadValue, `${name.role}@${name.db} is a built-in role and cannot be modified`);
}

function restrictionsField(command: Document, commandName: string): Document[] | undefined {
  const value = arrayField(command, commandName, 'authenticationRestrictions', false);
  return value?.filter((entry): entry is Document => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
}

/**
 * What a grant or revoke command edits: the custom role it names and the non-empty list in
 * `field`, parsed. Checked in mongod's order: the name, the list, built-in roles, existence.
 */
function roleEdit<T>(store: RoleStore, command: Document, commandName: string, dbName: string, field: string, parse: (entries: unknown[]) => T): { name: RoleName; role: CustomRole; entries: T } {
  const name = roleNameArgument(command, commandName, dbName);
  const entries = parse(nonEmptyArray(command, commandName, field));
  notBuiltin(name);
  return { name, role: store.existing(name), entries };
}

const plainName = (name: RoleName): Document => ({ role: name.role, db: name.db });
const plainPrivileges = (privileges: readonly RolePrivilege[]): Document[] => privileges.map((p) => ({ resource: { ...p.resource }, actions: [...p.actions] }));

/** A role as rolesInfo describes it. */
function describeRole(store: RoleStore, name: RoleName, showPrivileges: boolean, showRestrictions: boolean): Document | undefined {
  const builtin = isBuiltinRole(name);
  const custom = builtin ? undefined : store.get(name);
  if (!builtin && custom === undefined) return undefined;
  const out: Document = builtin ? {} : { _id: `${name.db}.${name.role}` };
  Object.assign(out, {
    role: name.role,
    db: name.db,
    isBuiltin: builtin,
    roles: (custom?.roles ?? []).map(plainName),
    inheritedRoles: store.inherited([name]).map(plainName),
  });
  if (showPrivileges) {
    out.privileges = plainPrivileges(store.directPrivileges(name));
    out.inheritedPrivileges = plainPrivileges(store.privilegesOf([name]));
  }
  if (showRestrictions) {
    out.authenticationRestrictions = custom?.authenticationRestrictions === undefined ? [] : [custom.authenticationRestrictions];
    out.inheritedAuthenticationRestrictions = [];
  }
  return out;
}

/** The roles a rolesInfo selector names: 1 (the database's), a name, { role, db }, or an array of those. */
function selectedRoles(store: RoleStore, selector: unknown, dbName: string, showBuiltin: boolean): RoleName[] {
  if (selector === 1 || selector === true) {
    const custom = store.all().filter((role) => role.db === dbName).map((role) => ({ role: role.role, db: role.db }));
    return showBuiltin ? [...builtinRolesOf(dbName), ...custom] : custom;
  }
  const entries = Array.isArray(selector) ? selector : [selector];
  return entries.map((entry) => parseRoleName(entry, dbName));
}

function dropFromUsers(users: UserStore, dropped: readonly RoleName[]): void {
  for (const user of users.all()) user.roles = user.roles.filter((r) => !dropped.some((d) => d.role === r.role && d.db === r.db));
}

export function roleCommands(users: UserStore): CommandHandler[] {
  const store = users.roles;
  return [
    {
      name: 'createRole',
      run(command, context) {
        const name = roleNameArgument(command, 'createRole', context.dbName);
        if (name.role.length === 0) throw new CommandError(ErrorCodes.BadValue, 'Role name must be non-empty');
        if (context.dbName === 'local') throw new CommandError(ErrorCodes.BadValue, 'Cannot create roles in the local database');
        if (context.dbName === '$external') throw new CommandError(ErrorCodes.BadValue, 'Cannot create roles in the $external database');
        if (isBuiltinRole(name)) throw new CommandError(ErrorCodes.BadValue, 'Cannot create roles with the same name as a built-in role');
        const privileges = parsePrivileges(arrayField(command, 'createRole', 'privileges', true), 'createRole.privileges');
        const roles = roleNames(arrayField(command, 'createRole', 'roles', true) ?? [], context.dbName);
        const restrictions = restrictionsField(command, 'createRole');
        const role: CustomRole = { ...name, privileges, roles, ...(restrictions !== undefined && restrictions.length > 0 ? { authenticationRestrictions: restrictions } : {}) };
        store.create(role);
        return {};
      },
    },
    {
      name: 'updateRole',
      run(command, context) {
        const name = roleNameArgument(command, 'updateRole', context.dbName);
        const rawPrivileges = arrayField(command, 'updateRole', 'privileges', false);
        const rawRoles = arrayField(command, 'updateRole', 'roles', false);
        const restrictions = restrictionsField(command, 'updateRole');
        if (rawPrivileges === undefined && rawRoles === undefined && restrictions === undefined) {
          throw new CommandError(ErrorCodes.BadValue, 'Must specify at least one field to update in updateRole');
        }
        const privileges = rawPrivileges === undefined ? undefined : parsePrivileges(rawPrivileges, 'updateRole.privileges');
        const roles = rawRoles === undefined ? undefined : roleNames(rawRoles, context.dbName);
        notBuiltin(name);
        const role = store.existing(name);
        if (roles !== undefined) store.checkGrantableRoles(name, roles);
        if (privileges !== undefined) {
          checkGrantablePrivileges(name, privileges);
          role.privileges = privileges;
        }
        if (roles !== undefined) role.roles = roles;
        if (restrictions !== undefined) {
          if (restrictions.length === 0) delete role.authenticationRestrictions;
          else role.authenticationRestrictions = restrictions;
        }
        return {};
      },
    },
    {
      name: 'dropRole',
      run(command, context) {
        const name = roleNameArgument(command, 'dropRole', context.dbName);
        notBuiltin(name);
        store.existing(name);
        store.drop(name);
        dropFromUsers(users, [name]);
        return {};
      },
    },
    {
      name: 'dropAllRolesFromDatabase',
      run(_command, context) {
        const dropped = store.dropAll(context.dbName);
        dropFromUsers(users, dropped);
        return { n: dropped.length };
      },
    },
    {
      name: 'grantRolesToRole',
      run(command, context) {
        const { name, role, entries: granted } = roleEdit(store, command, 'grantRolesToRole', context.dbName, 'roles', (e) => roleNames(e, context.dbName));
        store.checkGrantableRoles(name, granted);
        role.roles = roleNames([...role.roles, ...granted], context.dbName);
        return {};
      },
    },
    {
      name: 'revokeRolesFromRole',
      run(command, context) {
        const { role, entries: revoked } = roleEdit(store, command, 'revokeRolesFromRole', context.dbName, 'roles', (e) => roleNames(e, context.dbName));
        role.roles = role.roles.filter((r) => !revoked.some((x) => x.role === r.role && x.db === r.db));
        return {};
      },
    },
    {
      name: 'grantPrivilegesToRole',
      run(command, context) {
        const { name, role, entries: granted } = roleEdit(store, command, 'grantPrivilegesToRole', context.dbName, 'privileges', (e) =>
          parsePrivileges(e, 'grantPrivilegesToRole.privileges'),
        );
        checkGrantablePrivileges(name, granted);
        role.privileges = parsePrivileges(plainPrivileges([...role.privileges, ...granted]), 'privileges');
        return {};
      },
    },
    {
      name: 'revokePrivilegesFromRole',
      run(command, context) {
        const { role, entries: revoked } = roleEdit(store, command, 'revokePrivilegesFromRole', context.dbName, 'privileges', (e) =>
          parsePrivileges(e, 'revokePrivilegesFromRole.privileges'),
        );
        const key = (p: RolePrivilege): string => JSON.stringify(p.resource);
        role.privileges = role.privileges
          .map((p) => {
            const removed = revoked.find((r) => key(r) === key(p))?.actions ?? [];
            return { resource: p.resource, actions: p.actions.filter((a) => !removed.includes(a)) };
          })
          .filter((p) => p.actions.length > 0);
        return {};
      },
    },
    {
      name: 'rolesInfo',
      run(command, context) {
        const selector: unknown = command.rolesInfo;
        if (selector === undefined) throw new CommandError(ErrorCodes.IDLFailedToParse, "BSON field 'rolesInfo.rolesInfo' is missing but a required field");
        const showPrivileges: unknown = command.showPrivileges;
        const names = selectedRoles(store, selector, context.dbName, command.showBuiltinRoles === true);
        if (showPrivileges === 'asUserFragment') {
          return {
            userFragment: {
              roles: names.filter((n) => isBuiltinRole(n) || store.has(n)).map(plainName),
              inheritedRoles: store.closure(names.filter((n) => isBuiltinRole(n) || store.has(n))).map(plainName),
              inheritedPrivileges: plainPrivileges(store.privilegesOf(names)),
              inheritedAuthenticationRestrictions: [],
            },
          };
        }
        const showRestrictions = command.showAuthenticationRestrictions === true;
        const roles = names.map((n) => describeRole(store, n, showPrivileges === true, showRestrictions)).filter((r): r is Document => r !== undefined);
        return { roles };
      },
    },
  ];
}
