// A write outside any transaction that would change a document an open
// transaction has written waits until that transaction commits or aborts, as
// on mongod (whose write-conflict retry loop blocks it). maxTimeMS bounds the
// wait (MaxTimeMSExpired); the holder's lifetime limit ends it at the latest.
import type { Document } from '../../bson.js';
import { sleep } from '../../util/sleep.js';
import { CommandError } from '../command-error.js';
import { selectRecords } from '../commands/data/common.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { Storage } from '../storage/storage.js';
import { documentKey } from './record-lookup.js';
import type { TransactionTable } from './transaction-table.js';

export interface WaitOptions {
  /** The command's maxTimeMS (0: no limit). */
  readonly maxTimeMS: number;
  /** Aborted when the connection closes. */
  readonly signal: AbortSignal;
}

/** The _id a filter pins with plain equality (an upsert would insert it). */
function pinnedId(filter: unknown): unknown {
  if (!isPlainDocument(filter) || !('_id' in filter)) return undefined;
  const id: unknown = filter._id;
  if (isPlainDocument(id) && Object.keys(id).some((key) => key.startsWith('$'))) return undefined;
  return id;
}

function matchedKeys(storage: Storage, dbName: string, collName: string, filter: unknown, limit: number, sort?: unknown): string[] {
  const ns = `${dbName}.${collName}`;
  const keys: string[] = [];
  const id = pinnedId(filter);
  if (id !== undefined) keys.push(documentKey(ns, id));
  if (!isPlainDocument(filter)) return keys;
  try {
    const records = selectRecords(storage.collection(dbName, collName), filter, { limit, ...(sort !== undefined ? { sort } : {}) });
    for (const [, doc] of records) keys.push(documentKey(ns, doc._id));
  } catch {
    // A bad filter fails when the command itself runs.
  }
  return keys;
}

function statements(body: Document, field: string): Document[] {
  const list: unknown = body[field];
  return Array.isArray(list) ? list.filter(isPlainDocument) : [];
}

/** The documents (as lock keys) a write command outside transactions is about to write. */
export function documentsWrittenBy(commandName: string, body: Document, dbName: string, storage: Storage): string[] {
  const collName: unknown = body[Object.keys(body)[0] ?? ''];
  if (typeof collName !== 'string') return [];
  switch (commandName) {
    case 'insert':
      return statements(body, 'documents').filter((doc) => doc._id !== undefined).map((doc) => documentKey(`${dbName}.${collName}`, doc._id));
    case 'update':
      return statements(body, 'updates').flatMap((u) => matchedKeys(storage, dbName, collName, u.q, u.multi === true ? 0 : 1));
    case 'delete':
      return statements(body, 'deletes').flatMap((d) => matchedKeys(storage, dbName, collName, d.q, d.limit === 1 ? 1 : 0));
    case 'findAndModify':
      return matchedKeys(storage, dbName, collName, body.query ?? {}, 1, body.sort);
    default:
      return [];
  }
}

/** Waits while an open transaction holds a document `keysOf` names (recomputed after each transaction ends). */
export async function waitForTransactions(table: TransactionTable, keysOf: () => string[], options: WaitOptions): Promise<void> {
  const deadline = options.maxTimeMS > 0 ? Date.now() + options.maxTimeMS : Number.POSITIVE_INFINITY;
  for (;;) {
    const expiry = table.claimExpiry(keysOf());
    if (expiry === undefined) return;
    // The client is gone: the write must not happen behind its back.
    if (options.signal.aborted) throw new CommandError(ErrorCodes.ClientDisconnect, 'operation was interrupted because a client disconnected');
    const now = Date.now();
    if (now >= deadline) throw new CommandError(ErrorCodes.MaxTimeMSExpired, 'operation exceeded time limit');
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Past the holder's lifetime limit, claimExpiry aborts it.
      await Promise.race([table.nextEnd(), sleep(Math.min(deadline, expiry + 1) - now, stop.signal, { unref: false })]);
    } finally {
      stop.abort();
      options.signal.removeEventListener('abort', onAbort);
    }
  }
}
