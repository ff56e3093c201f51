// User management (createUser, updateUser, dropUser, usersInfo,
// dropAllUsersFromDatabase, grantRolesToUser, revokeRolesFromUser), after
// mongod's src/mongo/db/commands/user_management_commands.cpp. Users get SCRAM
// credentials they can authenticate with; their (built-in) roles are enforced
// when the server runs with auth (src/server/auth/roles.ts).
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { typeName } from '../../stable-api.js';
import { resolveRoles, scramMechanismsOf, type StoredUser, type UserStore } from '../../auth/user-store.js';
import { compileFilter } from '../../query/matcher.js';
import type { CommandHandler } from '../../types.js';

function stringField(command: Document, commandName: string, field: string, required: boolean): string | undefined {
  const value = command[field];
  if (value === undefined) {
    if (!required) return undefined;
    throw new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${commandName}.${field}' is missing but a required field`);
  }
  if (typeof value !== 'string') {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type '${typeName(value)}', expected type 'string'`);
  }
  return value;
}

function rolesField(command: Document, commandName: string, required: boolean): unknown[] | undefined {
  const roles = command.roles;
  if (roles === undefined) {
    if (!required) return undefined;
    throw new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${commandName}.roles' is missing but a required field`);
  }
  if (!Array.isArray(roles)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.roles' is the wrong type '${typeName(roles)}', expected type 'array'`);
  }
  return [...roles];
}

function customDataField(command: Document, commandName: string): Document | undefined {
  const value = command.customData;
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.customData' is the wrong type '${typeName(value)}', expected type 'object'`);
  }
  return value as Document;
}

/** A user as usersInfo shows it: mongod's stored user document (credentials only on request) plus its mechanisms. */
function describe(user: StoredUser, showCredentials: boolean): Document {
  const out: Document = { _id: `${user.db}.${user.user}`, userId: user.userId, user: user.user, db: user.db };
  // $external users authenticate outside the server (X.509, LDAP via PLAIN): mongod shows no SCRAM material for them.
  const external = user.db === '$external';
  if (showCredentials && external) out.credentials = { external: true };
  else if (showCredentials) {
    const credentials: Document = {};
    for (const [mechanism, credential] of Object.entries(user.credentials)) {
      credentials[mechanism] = {
        iterationCount: credential.iterationCount,
        salt: credential.salt,
        storedKey: credential.storedKey.toString('base64'),
        serverKey: credential.serverKey.toString('base64'),
      };
    }
    out.credentials = credentials;
  }
  if (user.customData !== undefined) out.customData = user.customData;
  out.roles = user.roles.map((r) => ({ role: r.role, db: r.db }));
  out.mechanisms = external ? ['external'] : user.mechanisms;
  return out;
}

/** usersInfo's argument: 1, { forAllDBs: true }, a name, { user, db }, or an array of names. */
function usersInfoMatcher(selector: unknown, dbName: string): (user: StoredUser) => boolean {
  const nameOf = (entry: unknown): { user: string; db: string } => {
    if (typeof entry === 'string') return { user: entry, db: dbName };
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      const { user, db } = entry as Document;
      if (typeof user === 'string' && typeof db === 'string') return { user, db };
    }
    throw new CommandError(ErrorCodes.BadValue, "User name must be either a string or an object with 'user' and 'db' fields");
  };
  if (selector === 1) return (user) => user.db === dbName;
  if (typeof selector === 'object' && selector !== null && !Array.isArray(selector) && (selector as Document).forAllDBs === true) return () => true;
  const names = (Array.isArray(selector) ? selector : [selector]).map(nameOf);
  return (user) => names.some((n) => n.user === user.user && n.db === user.db);
}

/** usersInfo showPrivileges: every role the user holds (directly or not) and what they grant. */
function inheritedFields(users: UserStore, user: StoredUser): Document {
  return {
    inheritedRoles: users.roles.closure(user.roles).map((r) => ({ role: r.role, db: r.db })),
    inheritedPrivileges: users.roles.privilegesOf(user.roles).map((p) => ({ resource: { ...p.resource }, actions: [...p.actions] })),
    inheritedAuthenticationRestrictions: [],
  };
}

function requiredRoles(command: Document, commandName: string): unknown[] {
  const roles = rolesField(command, commandName, true) ?? [];
  if (roles.length === 0) throw new CommandError(ErrorCodes.BadValue, `${commandName} command requires a non-empty "roles" array`);
  return roles;
}

function mechanismsField(command: Document, commandName: string): unknown[] | undefined {
  const value = command.mechanisms;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.mechanisms' is the wrong type '${typeName(value)}', expected type 'array'`);
  }
  return value;
}

export function userCommands(users: UserStore): CommandHandler[] {
  return [
    {
      name: 'createUser',
      run(command, context) {
        const name = stringField(command, 'createUser', 'createUser', true) ?? '';
        if (name.length === 0) throw new CommandError(ErrorCodes.BadValue, 'User document needs \'user\' field to be non-empty');
        const pwd = stringField(command, 'createUser', 'pwd', false);
        if (context.dbName === 'local') throw new CommandError(ErrorCodes.BadValue, 'Cannot create users in the local database');
        if (name.includes('\0')) throw new CommandError(ErrorCodes.BadValue, 'Username cannot contain NULL characters');
        const external = context.dbName === '$external';
        if (pwd === undefined && !external) {
          throw new CommandError(ErrorCodes.BadValue, "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db");
        }
        if (pwd !== undefined && external) throw new CommandError(ErrorCodes.BadValue, "Cannot set the password for users defined on the '$external' database");
        const roles = rolesField(command, 'createUser', true) ?? [];
        const customData = customDataField(command, 'createUser');
        const mechanisms = mechanismsField(command, 'createUser');
        users.create({ user: name, db: context.dbName, pwd, roles, customData, mechanisms });
        return {};
      },
    },
    {
      name: 'updateUser',
      run(command, context) {
        const name = stringField(command, 'updateUser', 'updateUser', true) ?? '';
        const pwd = stringField(command, 'updateUser', 'pwd', false);
        const roles = rolesField(command, 'updateUser', false);
        const customData = customDataField(command, 'updateUser');
        const mechanisms = mechanismsField(command, 'updateUser');
        if (pwd === undefined && roles === undefined && customData === undefined && mechanisms === undefined) {
          throw new CommandError(ErrorCodes.BadValue, 'Must specify at least one field to update in updateUser');
        }
        if (pwd !== undefined && context.dbName === '$external') {
          throw new CommandError(ErrorCodes.BadValue, "Cannot set the password for users defined on the '$external' database");
        }
        const user = users.existing(context.dbName, name);
        if (mechanisms !== undefined && pwd === undefined) {
          throw new CommandError(ErrorCodes.BadValue, 'mechanisms field may only be specified with a new password');
        }
        const resolved = roles === undefined ? undefined : resolveRoles(roles, context.dbName, users.roles);
        if (pwd !== undefined) users.setPassword(user, pwd, mechanisms === undefined ? user.mechanisms : scramMechanismsOf(mechanisms));
        if (resolved !== undefined) user.roles = resolved;
        if (customData !== undefined) user.customData = customData;
        return {};
      },
    },
    {
      name: 'dropUser',
      run(command, context) {
        const name = stringField(command, 'dropUser', 'dropUser', true) ?? '';
        if (!users.delete(context.dbName, name)) throw new CommandError(ErrorCodes.UserNotFound, `User '${name}@${context.dbName}' not found`);
        return {};
      },
    },
    {
      name: 'dropAllUsersFromDatabase',
      run(_command, context) {
        return { n: users.deleteAll(context.dbName) };
      },
    },
    {
      name: 'usersInfo',
      run(command, context) {
        const wanted = usersInfoMatcher(command.usersInfo, context.dbName);
        const showCredentials = command.showCredentials === true;
        const filter: unknown = command.filter;
        if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter))) {
          throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'usersInfo.filter' is the wrong type '${typeName(filter)}', expected type 'object'`);
        }
        const matches = filter === undefined ? () => true : compileFilter(filter as Document);
        const described = users.all().filter(wanted).map((user) => {
          const doc = describe(user, showCredentials);
          if (command.showCustomData === false) delete doc.customData;
          if (command.showPrivileges === true) Object.assign(doc, inheritedFields(users, user));
          return doc;
        });
        return { users: described.filter((doc) => matches(doc)) };
      },
    },
    {
      name: 'grantRolesToUser',
      run(command, context) {
        const name = stringField(command, 'grantRolesToUser', 'grantRolesToUser', true) ?? '';
        const granted = resolveRoles(requiredRoles(command, 'grantRolesToUser'), context.dbName, users.roles);
        const user = users.existing(context.dbName, name);
        user.roles = resolveRoles([...user.roles, ...granted], context.dbName, users.roles);
        return {};
      },
    },
    {
      name: 'revokeRolesFromUser',
      run(command, context) {
        const name = stringField(command, 'revokeRolesFromUser', 'revokeRolesFromUser', true) ?? '';
        const revoked = resolveRoles(requiredRoles(command, 'revokeRolesFromUser'), context.dbName, users.roles);
        const user = users.existing(context.dbName, name);
        user.roles = user.roles.filter((r) => !revoked.some((x) => x.role === r.role && x.db === r.db));
        return {};
      },
    },
  ];
}
