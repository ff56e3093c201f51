// listDatabases under access control, as mongod's list_databases.cpp: a user without the cluster
// listDatabases action (or asking for authorizedDatabases: true) sees only the databases its
// roles grant anything in; authorizedDatabases: false without that action is Unauthorized.
import type { Document } from '../../../bson.js';
import { commandText } from '../../auth/command-text.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import type { ServerRuntime } from '../../server-runtime.js';
import { typeName } from '../../stable-api.js';
import type { CommandHandler } from '../../types.js';

export function authorizedListDatabases(runtime: ServerRuntime, inner: CommandHandler): CommandHandler {
  return {
    ...inner,
    async run(command, context) {
      const authorized: unknown = command.authorizedDatabases;
      if (authorized !== undefined && typeof authorized !== 'boolean') {
        throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'listDatabases.authorizedDatabases' is the wrong type '${typeName(authorized)}', expected type 'bool'`);
      }
      const security = runtime.security;
      if (!security.enforce) return inner.run(command, context);
      const auth = runtime.connections.get(context.connection.id)?.auth;
      const mayListAll = security.allows(auth, 'listDatabases', { kind: 'cluster' });
      if (authorized === false && !mayListAll) {
        throw new CommandError(ErrorCodes.Unauthorized, `not authorized on ${context.dbName} to execute command ${commandText(command)}`);
      }
      const reply = await inner.run(command, context);
      if (!(authorized === true || !mayListAll)) return reply;
      const visible = security.users.roles.databasesOf(security.rolesOf(auth));
      if (visible === 'all' || !Array.isArray(reply.databases)) return reply;
      const databases = (reply.databases as Document[]).filter((db) => typeof db.name === 'string' && visible.has(db.name));
      const out: Document = { ...reply, databases };
      if (reply.totalSize !== undefined) {
        const totalSize = databases.reduce((sum, db) => sum + Number(db.sizeOnDisk ?? 0), 0);
        out.totalSize = totalSize;
        out.totalSizeMb = Math.floor(totalSize / (1024 * 1024));
      }
      return out;
    },
  };
}
