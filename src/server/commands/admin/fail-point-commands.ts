// configureFailPoint (admin only; always enabled here, as with enableTestCommands).
import type { ServerRuntime } from '../../server-runtime.js';
import type { CommandHandler } from '../../types.js';
import { requireAdminDatabase } from './admin-only.js';

export function configureFailPointCommand(runtime: ServerRuntime): CommandHandler {
  return {
    name: 'configureFailPoint',
    run(command, context) {
      requireAdminDatabase('configureFailPoint', context);
      return { count: runtime.failpoints.configure(command) };
    },
  };
}
