// The server's own (non-data) commands.
import type { ServerRuntime } from '../../server-runtime.js';
import type { CommandHandler } from '../../types.js';
import { authenticationCommands } from './authentication.js';
import { configureFailPointCommand } from './fail-point-commands.js';
import { helloCommand } from './hello.js';
import { listCommandsCommand } from './list-commands.js';
import { getParameterCommand, setParameterCommand } from './parameters.js';
import { serverInfoCommands } from './server-info.js';
import { sessionCommands } from './sessions.js';
import { stableApiTestCommands } from './test-commands.js';
import { standaloneReplicationCommands } from './topology-commands.js';
import { roleCommands } from './roles.js';
import { userCommands } from './users.js';

export function adminCommandHandlers(runtime: ServerRuntime): CommandHandler[] {
  return [
    helloCommand(runtime),
    ...serverInfoCommands(runtime),
    getParameterCommand(runtime.security),
    setParameterCommand(),
    ...sessionCommands(runtime),
    configureFailPointCommand(runtime),
    listCommandsCommand(runtime),
    ...standaloneReplicationCommands(),
    ...authenticationCommands(runtime),
    ...userCommands(runtime.security.users),
    ...roleCommands(runtime.security.users),
    ...stableApiTestCommands(),
  ];
}
