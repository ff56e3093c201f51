// Commands a real server accepts only on the admin database.
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import type { CommandContext } from '../../types.js';

export function requireAdminDatabase(commandName: string, context: CommandContext): void {
  if (context.dbName !== 'admin') {
    throw new CommandError(ErrorCodes.Unauthorized, `${commandName} may only be run against the admin database.`);
  }
}
