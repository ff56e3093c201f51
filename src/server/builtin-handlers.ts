// The commands every MemoryServer starts with: ours (handshake, admin, cursors,
// failpoints) and the storage engine's data commands.
import { adminCommandHandlers } from './commands/admin/index.js';
import { dataCommandHandlers } from './commands/data/index.js';
import { getMoreCommand, killCursorsCommand } from './cursors/cursor-commands.js';
import type { ServerRuntime } from './server-runtime.js';
import type { CommandHandler } from './types.js';

export function builtinHandlers(runtime: ServerRuntime): CommandHandler[] {
  return [
    ...adminCommandHandlers(runtime),
    getMoreCommand(runtime.cursors, runtime.failpoints),
    killCursorsCommand(runtime.cursors),
    ...dataCommandHandlers,
  ];
}
