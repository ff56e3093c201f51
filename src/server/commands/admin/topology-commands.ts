// Replication commands as a standalone answers them.
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import type { CommandHandler } from '../../types.js';
import { requireAdminDatabase } from './admin-only.js';

export function standaloneReplicationCommands(): CommandHandler[] {
  return [
    {
      name: 'replSetGetStatus',
      run(_command, context) {
        requireAdminDatabase('replSetGetStatus', context);
        throw new CommandError(ErrorCodes.NoReplicationEnabled, 'not running with --replSet');
      },
    },
  ];
}
