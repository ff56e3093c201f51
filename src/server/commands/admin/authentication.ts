// Authentication commands: saslStart / saslContinue run SCRAM-SHA-1 and
// SCRAM-SHA-256 against the server's users (src/server/auth/); a successful
// conversation authenticates the connection; PLAIN on $external checks the
// simulated LDAP directory. `authenticate` runs MONGODB-X509 against the
// connection's verified client certificate. Other mechanisms fail as on a
// mongod that has them disabled.
import { newConnectionAuthState, type ConnectionAuthState } from '../../auth/security.js';
import type { ServerRuntime } from '../../server-runtime.js';
import type { CommandHandler, ConnectionInfo } from '../../types.js';

export function authenticationCommands(runtime: ServerRuntime): CommandHandler[] {
  // Connections the directory does not know (bare dispatcher tests) get throwaway state.
  const authOf = (connection: ConnectionInfo): ConnectionAuthState => runtime.connections.get(connection.id)?.auth ?? newConnectionAuthState();
  return [
    {
      name: 'saslStart',
      run: (command, context) => runtime.security.saslStart(command, context.dbName, authOf(context.connection)),
    },
    {
      name: 'saslContinue',
      run: (command, context) => runtime.security.saslContinue(command, authOf(context.connection)),
    },
    {
      name: 'authenticate',
      run: (command, context) => runtime.security.authenticate(command, context.dbName, authOf(context.connection)),
    },
    {
      name: 'logout',
      run(_command, context) {
        const auth = authOf(context.connection);
        auth.user = undefined;
        auth.conversation = undefined;
        return {};
      },
    },
  ];
}
