// getParameter: the few server parameters drivers and shells ask about.
import { Long, type Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isNumeric, toNumber } from '../../query/bson-types.js';
import type { ServerSecurity } from '../../auth/security.js';
import type { Storage } from '../../storage/storage.js';
import { ttlMonitorOf } from '../../storage/ttl-monitor.js';
import type { CommandHandler } from '../../types.js';
import { requireAdminDatabase } from './admin-only.js';

function serverParameters(storage: Storage, security: ServerSecurity): Document {
  return {
    ttlMonitorSleepSecs: ttlMonitorOf(storage).intervalMS / 1000,
    ttlMonitorEnabled: ttlMonitorOf(storage).enabled,
    featureCompatibilityVersion: { version: '8.0' },
    authenticationMechanisms: security.enabledMechanisms(),
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

export function getParameterCommand(security: ServerSecurity): CommandHandler {
  return {
    name: 'getParameter',
    run(command, context) {
      requireAdminDatabase('getParameter', context);
      const all = serverParameters(context.server.storage, security);
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

/**
 * setParameter: the runtime-settable parameters this server honours (ttlMonitorSleepSecs,
 * ttlMonitorEnabled);
 * the reply's `was` is the previous value, as mongod's.
 */
export function setParameterCommand(): CommandHandler {
  return {
    name: 'setParameter',
    run(command, context) {
      requireAdminDatabase('setParameter', context);
      const names = Object.keys(command).slice(1).filter((name) => !name.startsWith('$') && !GENERIC_FIELDS.has(name));
      if (names.length === 0) throw new CommandError(ErrorCodes.NoSuchKey, 'no option found to set, use help:true to see options');
      const reply: Document = {};
      for (const name of names) {
        const monitor = ttlMonitorOf(context.server.storage);
        if (name === 'ttlMonitorEnabled') {
          const value: unknown = command[name];
          if (typeof value !== 'boolean') throw new CommandError(ErrorCodes.BadValue, `Invalid value for ttlMonitorEnabled: ${String(value)} (true or false)`);
          reply.was = monitor.enabled;
          monitor.enabled = value;
          continue;
        }
        if (name !== 'ttlMonitorSleepSecs') throw new CommandError(ErrorCodes.InvalidOptions, `attempted to set unrecognized parameter [${name}], use help:true to see options`);
        const value: unknown = command[name];
        const seconds = isNumeric(value) ? toNumber(value) : NaN;
        if (!Number.isInteger(seconds) || seconds < 1) {
          throw new CommandError(ErrorCodes.BadValue, `Invalid value for ttlMonitorSleepSecs: ${String(value)} (a positive whole number of seconds)`);
        }
        reply.was = monitor.intervalMS / 1000;
        monitor.setInterval(seconds * 1000);
      }
      return reply;
    },
  };
}

const GENERIC_FIELDS = new Set(['comment', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'maxTimeMS', 'readConcern', 'writeConcern', 'readPreference']);
