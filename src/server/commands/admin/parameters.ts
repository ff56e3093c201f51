// getParameter: the few server parameters drivers and shells ask about.
import { Long, type Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import type { CommandHandler } from '../../types.js';
import { requireAdminDatabase } from './admin-only.js';

function serverParameters(): Document {
  return {
    featureCompatibilityVersion: { version: '8.0' },
    authenticationMechanisms: [],
    enableTestCommands: true,
    // mongod's test-only switch for Stable API version 2 (used by its test commands).
    acceptApiVersion2: true,
    requireApiVersion: false,
    transactionLifetimeLimitSeconds: 60,
    cursorTimeoutMillis: Long.fromNumber(600_000),
    logLevel: 0,
    maxBSONDepth: 200,
  };
}

export function getParameterCommand(): CommandHandler {
  return {
    name: 'getParameter',
    run(command, context) {
      requireAdminDatabase('getParameter', context);
      const all = serverParameters();
      const selector = command.getParameter;
      if (selector === '*' || (typeof selector === 'object' && selector !== null && (selector as Document).allParameters === true)) {
        return all;
      }
      const reply: Document = {};
      for (const name of Object.keys(command).slice(1)) {
        if (name in all) reply[name] = all[name];
      }
      if (Object.keys(reply).length === 0) throw new CommandError(ErrorCodes.InvalidOptions, 'no option found to get');
      return reply;
    },
  };
}
