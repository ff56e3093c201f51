// listCommands: every registered command and whether it is admin-only.
import type { Document } from '../../../bson.js';
import type { ServerRuntime } from '../../server-runtime.js';
import type { CommandHandler } from '../../types.js';

const ADMIN_ONLY = new Set(['configureFailPoint', 'getParameter', 'getCmdLineOpts', 'getLog', 'replSetGetStatus', 'listDatabases', 'renameCollection']);

export function listCommandsCommand(runtime: ServerRuntime): CommandHandler {
  return {
    name: 'listCommands',
    run() {
      const commands: Document = {};
      const handlers = runtime.registry.handlers().sort((a, b) => a.name.localeCompare(b.name));
      for (const handler of handlers) {
        commands[handler.name] = { help: '', adminOnly: ADMIN_ONLY.has(handler.name), aliases: [...(handler.aliases ?? [])] };
      }
      return { commands };
    },
  };
}
