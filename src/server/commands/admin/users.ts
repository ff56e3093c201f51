// User management (createUser, updateUser, dropUser, usersInfo,
// dropAllUsersFromDatabase). Users with a pwd get SCRAM credentials they can
// authenticate with; roles are recorded but not enforced (an authenticated
// user may run anything).
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { typeName } from '../../stable-api.js';
import { scramMechanismsOf, type StoredUser, type UserStore } from '../../auth/user-store.js';
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

function describe(user: StoredUser): Document {
  const out: Document = { _id: `${user.db}.${user.user}`, user: user.user, db: user.db, roles: user.roles, mechanisms: user.mechanisms };
  if (user.customData !== undefined) out.customData = user.customData;
  return out;
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
        const user = users.existing(context.dbName, name);
        if (mechanisms !== undefined && pwd === undefined) {
          throw new CommandError(ErrorCodes.BadValue, 'mechanisms field may only be specified with a new password');
        }
        if (pwd !== undefined) users.setPassword(user, pwd, mechanisms === undefined ? user.mechanisms : scramMechanismsOf(mechanisms));
        if (roles !== undefined) user.roles = roles;
        if (customData !== undefined) user.customData = customData;
        return {};
      },
    },
    {
      name: 'dropUser',
      run(command, context) {
        const name = stringField(command, 'dropUser', 'dropUser', true) ?? '';
        users.existing(context.dbName, name);
        users.delete(context.dbName, name);
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
        const selector = command.usersInfo;
        const wanted = (user: StoredUser): boolean => {
          if (selector === 1 || (typeof selector === 'object' && selector !== null && (selector as Document).forAllDBs === true)) {
            return selector === 1 ? user.db === context.dbName : true;
          }
          if (typeof selector === 'string') return user.db === context.dbName && user.user === selector;
          return false;
        };
        return { users: users.all().filter(wanted).map(describe) };
      },
    },
  ];
}
