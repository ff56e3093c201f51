// User management (createUser, updateUser, dropUser, usersInfo,
// dropAllUsersFromDatabase). The embedded server never enforces access
// control, so users are only recorded; the commands exist because clients and
// failpoints (failCommand on createUser) expect a real server to know them.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { typeName } from '../../stable-api.js';
import type { CommandHandler } from '../../types.js';

interface StoredUser {
  readonly user: string;
  readonly db: string;
  roles: unknown[];
  customData: Document | undefined;
  mechanisms: string[];
}

const DEFAULT_MECHANISMS = ['SCRAM-SHA-1', 'SCRAM-SHA-256'];

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

function describe(user: StoredUser): Document {
  const out: Document = { _id: `${user.db}.${user.user}`, user: user.user, db: user.db, roles: user.roles, mechanisms: user.mechanisms };
  if (user.customData !== undefined) out.customData = user.customData;
  return out;
}

export function userCommands(): CommandHandler[] {
  const users = new Map<string, StoredUser>();
  const keyOf = (db: string, user: string): string => `${db}\u0000${user}`;
  const existing = (commandName: string, db: string): StoredUser => {
    const found = users.get(keyOf(db, commandName));
    if (found === undefined) throw new CommandError(ErrorCodes.UserNotFound, `Could not find user "${commandName}" for db "${db}"`);
    return found;
  };
  return [
    {
      name: 'createUser',
      run(command, context) {
        const name = stringField(command, 'createUser', 'createUser', true) ?? '';
        if (name.length === 0) throw new CommandError(ErrorCodes.BadValue, 'User document needs \'user\' field to be non-empty');
        stringField(command, 'createUser', 'pwd', false);
        const roles = rolesField(command, 'createUser', true) ?? [];
        const customData = customDataField(command, 'createUser');
        const key = keyOf(context.dbName, name);
        if (users.has(key)) throw new CommandError(51003, `User "${name}@${context.dbName}" already exists`);
        users.set(key, { user: name, db: context.dbName, roles, customData, mechanisms: [...DEFAULT_MECHANISMS] });
        return {};
      },
    },
    {
      name: 'updateUser',
      run(command, context) {
        const name = stringField(command, 'updateUser', 'updateUser', true) ?? '';
        stringField(command, 'updateUser', 'pwd', false);
        const roles = rolesField(command, 'updateUser', false);
        const customData = customDataField(command, 'updateUser');
        const user = existing(name, context.dbName);
        if (roles !== undefined) user.roles = roles;
        if (customData !== undefined) user.customData = customData;
        return {};
      },
    },
    {
      name: 'dropUser',
      run(command, context) {
        const name = stringField(command, 'dropUser', 'dropUser', true) ?? '';
        existing(name, context.dbName);
        users.delete(keyOf(context.dbName, name));
        return {};
      },
    },
    {
      name: 'dropAllUsersFromDatabase',
      run(_command, context) {
        let n = 0;
        for (const [key, user] of users) {
          if (user.db === context.dbName) {
            users.delete(key);
            n++;
          }
        }
        return { n };
      },
    },
    {
      name: 'usersInfo',
      run(command, context) {
        const selector = command.usersInfo;
        const wanted = (user: StoredUser): boolean => {
          if (selector === 1 || (typeof selector === 'object' && selector !== null && (selector as Document).forAllDBs === true)) {
            return selector === 1 ? user.db === context.dbName : true;
          }
          if (typeof selector === 'string') return user.db === context.dbName && user.user === selector;
          return false;
        };
        return { users: [...users.values()].filter(wanted).map(describe) };
      },
    },
  ];
}
