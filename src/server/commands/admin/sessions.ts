// Session commands. Ending or killing a session closes the cursors it opened
// (as a real server does) and drops it from the local session cache. Sessions are
// cluster-wide: the cursors closed are those on every node of the deployment (each
// member of a replica set, each mongos of a sharded cluster), not only this one.
import { UUID, type Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import type { OpenCursor } from '../../cursors/cursor-store.js';
import { ErrorCodes } from '../../error-codes.js';
import { sessionKey } from '../../local-sessions.js';
import { LOGICAL_SESSION_TIMEOUT_MINUTES, type ServerRuntime } from '../../server-runtime.js';
import { nodesSharingEngine } from '../../shared-engine.js';
import type { CommandHandler } from '../../types.js';

function lsidList(command: Document, field: string): Document[] {
  const value = command[field];
  if (!Array.isArray(value)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${field}' must be an array of session ids`);
  }
  return value as Document[];
}

/** Kills the matching cursors on every node of the deployment. */
function killCursorsWhere(runtime: ServerRuntime, predicate: (cursor: OpenCursor) => boolean): void {
  for (const node of nodesSharingEngine(runtime)) node.cursors.killWhere(predicate);
}

function killCursorsOfSessions(runtime: ServerRuntime, lsids: Document[]): void {
  const keys = new Set(lsids.map(sessionKey).filter((key): key is string => key !== undefined));
  killCursorsWhere(runtime, (cursor) => {
    const key = sessionKey(cursor.lsid);
    return key !== undefined && keys.has(key);
  });
}

/** killAllSessions and its kin: every session's cursors and transactions. */
function killEverySession(runtime: ServerRuntime): void {
  killCursorsWhere(runtime, (cursor) => cursor.lsid !== undefined);
  runtime.replication?.transactions.abortAll();
}

export function sessionCommands(runtime: ServerRuntime): CommandHandler[] {
  return [
    {
      name: 'startSession',
      run: () => ({ id: { id: new UUID() }, timeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES }),
    },
    {
      name: 'endSessions',
      run(command) {
        const lsids = lsidList(command, 'endSessions');
        killCursorsOfSessions(runtime, lsids);
        runtime.localSessions.end(lsids);
        runtime.replication?.transactions.abortSessions(lsids);
        return {};
      },
    },
    {
      name: 'killSessions',
      run(command) {
        const lsids = lsidList(command, 'killSessions');
        // An empty list means every session, as on a real server.
        if (lsids.length === 0) {
          killEverySession(runtime);
        } else {
          killCursorsOfSessions(runtime, lsids);
          runtime.replication?.transactions.abortSessions(lsids);
        }
        runtime.localSessions.end(lsids);
        return {};
      },
    },
    {
      name: 'killAllSessions',
      run(command) {
        lsidList(command, 'killAllSessions');
        killEverySession(runtime);
        return {};
      },
    },
    {
      name: 'killAllSessionsByPattern',
      run() {
        killEverySession(runtime);
        return {};
      },
    },
    {
      name: 'refreshSessions',
      run(command) {
        lsidList(command, 'refreshSessions');
        return {};
      },
    },
  ];
}
