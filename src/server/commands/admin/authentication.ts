// Authentication commands. The embedded server has no users to authenticate
// against (it runs without access control), so every attempt fails the way a
// real mongod fails an unknown user; the commands exist so that clients see
// server errors (and failpoints on them apply) rather than CommandNotFound.
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import type { CommandHandler } from '../../types.js';

/** mongod's deliberately uninformative reply to any failed authentication. */
const AUTHENTICATION_FAILED = 'Authentication failed.';

export function authenticationCommands(): CommandHandler[] {
  return [
    {
      name: 'saslStart',
      run(command) {
        if (typeof command.mechanism !== 'string') {
          throw new CommandError(ErrorCodes.IDLFailedToParse, "BSON field 'saslStart.mechanism' is missing but a required field");
        }
        throw new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
      },
    },
    {
      name: 'saslContinue',
      run() {
        // No saslStart ever succeeds, so there is never a conversation to continue.
        throw new CommandError(ErrorCodes.ProtocolError, 'No SASL session state found');
      },
    },
    {
      name: 'authenticate',
      run() {
        throw new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
      },
    },
    { name: 'logout', run: () => ({}) },
  ];
}
