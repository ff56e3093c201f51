// bulkWrite (MongoDB 8.0): inserts, updates and deletes across namespaces in one
// command on the admin database. Each op names its namespace by index into
// nsInfo; per-op results (or only errors, with errorsOnly) come back through a
// cursor on 'admin.$cmd.bulkWrite', with summary counts beside it. The per-document
// work is the insert/update/delete commands' own.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { bsonTypeOf, isPlainDocument, toNumber } from '../../query/bson-types.js';
import { checkNotView } from '../../query/views.js';
import type { Storage } from '../../storage/storage.js';
import type { CommandContext, CommandHandler } from '../../types.js';
import { cursorOptions, errorFields, isOrdered, letVariables, missingField, optionalDocument, requiredArray, truthy, wrongType } from './common.js';
import { executeDelete } from './delete.js';
import { executeUpdate, parseUpdateStatement, type UpdateFieldNames } from './update.js';

export const BULK_WRITE_CURSOR_NS = 'admin.$cmd.bulkWrite';
/** A real server's maxWriteBatchSize, which also bounds one bulkWrite's ops. */
const MAX_WRITE_BATCH_SIZE = 100_000;

interface Namespace {
  readonly db: string;
  readonly coll: string;
}

type OpKind = 'insert' | 'update' | 'delete';

interface BulkOp {
  readonly kind: OpKind;
  readonly ns: Namespace;
  readonly spec: Document;
}

interface Counts {
  nErrors: number;
  nInserted: number;
  nMatched: number;
  nModified: number;
  nUpserted: number;
  nDeleted: number;
}

const BULK_UPDATE_FIELDS: UpdateFieldNames = { element: (i) => `ops.${i}`, owner: 'bulkWrite.ops', q: 'filter', u: 'updateMods' };

function parseNamespace(entry: unknown, index: number): Namespace {
  if (!isPlainDocument(entry)) throw wrongType('bulkWrite', `nsInfo.${index}`, entry, 'object');
  const ns = entry.ns;
  if (ns === undefined) throw missingField('bulkWrite.nsInfo', 'ns');
  if (typeof ns !== 'string') throw wrongType('bulkWrite.nsInfo', 'ns', ns, 'string');
  const dot = ns.indexOf('.');
  if (dot <= 0 || dot === ns.length - 1) throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${ns}'`);
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

/** The op's kind and namespace; malformed ops fail the whole command, as mongod's parser does. */
function parseOp(raw: unknown, index: number, namespaces: readonly Namespace[]): BulkOp {
  if (!isPlainDocument(raw)) throw wrongType('bulkWrite', `ops.${index}`, raw, 'object');
  const kind = Object.keys(raw)[0];
  if (kind !== 'insert' && kind !== 'update' && kind !== 'delete') {
    throw new CommandError(ErrorCodes.FailedToParse, `BulkWrite ops entry ${index} has an unrecognized operation '${String(kind)}' (expected insert, update or delete)`);
  }
  const nsIndex = raw[kind];
  const t = bsonTypeOf(nsIndex);
  if (t !== 'int' && t !== 'long' && t !== 'double') throw wrongType('bulkWrite.ops', kind, nsIndex, 'int');
  const position = toNumber(nsIndex);
  const ns = Number.isInteger(position) ? namespaces[position] : undefined;
  if (ns === undefined) throw new CommandError(ErrorCodes.BadValue, `BulkWrite ops entry ${index} has an invalid nsInfo index.`);
  if (kind === 'insert') {
    if (raw.document === undefined) throw missingField('bulkWrite.ops', 'document');
    if (!isPlainDocument(raw.document)) throw wrongType('bulkWrite.ops', 'document', raw.document, 'object');
  } else {
    if (raw.filter === undefined) throw missingField('bulkWrite.ops', 'filter');
    if (!isPlainDocument(raw.filter)) throw wrongType('bulkWrite.ops', 'filter', raw.filter, 'object');
    if (kind === 'update' && raw.updateMods === undefined) throw missingField('bulkWrite.ops', 'updateMods');
  }
  return { kind, ns, spec: raw };
}

function cursorBatchSize(command: Document): number | undefined {
  const cursor = optionalDocument(command, 'bulkWrite', 'cursor');
  if (cursor === undefined || cursor.batchSize === undefined) return undefined;
  const size = toNumber(cursor.batchSize);
  if (!Number.isInteger(size) || size < 0) throw new CommandError(ErrorCodes.BadValue, `Batch size for bulkWrite must be non-negative, but received: ${String(size)}`);
  return size;
}

/** Runs one op; returns its successful cursor entry and adds to `counts`. Throws on a write error. */
function executeOp(storage: Storage, op: BulkOp, index: number, variables: Document | undefined, counts: Counts): Document {
  const { db, coll } = op.ns;
  const spec = op.spec;
  switch (op.kind) {
    case 'insert': {
      checkNotView(storage, db, coll);
      storage.ensureCollection(db, coll).collection.insert(spec.document as Document);
      counts.nInserted++;
      return { ok: 1, idx: index, n: 1 };
    }
    case 'update': {
      const statement = parseUpdateStatement(
        { q: spec.filter, u: spec.updateMods, multi: spec.multi, upsert: spec.upsert, arrayFilters: spec.arrayFilters, hint: spec.hint, sort: spec.sort, collation: spec.collation },
        index,
        BULK_UPDATE_FIELDS,
      );
      const result = executeUpdate(storage, db, coll, statement, variables);
      counts.nModified += result.nModified;
      if (result.upsertedId !== undefined) {
        counts.nUpserted++;
        return { ok: 1, idx: index, n: result.n, nModified: result.nModified, upserted: { _id: result.upsertedId } };
      }
      counts.nMatched += result.n;
      return { ok: 1, idx: index, n: result.n, nModified: result.nModified };
    }
    case 'delete': {
      const n = executeDelete(storage.collection(db, coll), { q: spec.filter as Document, multi: truthy(spec.multi), hint: spec.hint, collation: spec.collation }, variables);
      counts.nDeleted += n;
      return { ok: 1, idx: index, n };
    }
  }
}

export const bulkWriteHandler: CommandHandler = {
  name: 'bulkWrite',
  run(command: Document, context: CommandContext) {
    if (context.dbName !== 'admin') throw new CommandError(ErrorCodes.Unauthorized, 'bulkWrite may only be run against the admin database.');
    const rawOps = requiredArray(command, 'bulkWrite', 'ops');
    const rawNsInfo = requiredArray(command, 'bulkWrite', 'nsInfo');
    if (rawOps.length === 0 || rawOps.length > MAX_WRITE_BATCH_SIZE) {
      throw new CommandError(ErrorCodes.InvalidLength, `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${rawOps.length} operations.`);
    }
    const namespaces = rawNsInfo.map((entry, i) => parseNamespace(entry, i));
    const ops = rawOps.map((raw, i) => parseOp(raw, i, namespaces));
    const ordered = isOrdered(command);
    const errorsOnly = truthy(command.errorsOnly);
    const variables = letVariables(command, 'bulkWrite');
    const batchSize = cursorBatchSize(command);
    const storage = context.server.storage;
    const counts: Counts = { nErrors: 0, nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
    const entries: Document[] = [];
    for (let index = 0; index < ops.length; index++) {
      const op = ops[index];
      try {
        const entry = executeOp(storage, op, index, variables, counts);
        if (!errorsOnly) entries.push(entry);
      } catch (error) {
        counts.nErrors++;
        entries.push({ ok: 0, idx: index, ...errorFields(error), n: 0, ...(op.kind === 'update' ? { nModified: 0 } : {}) });
        if (ordered) break;
      }
    }
    const cursor = context.server.cursors.open(entries, {
      ...cursorOptions(command, context, BULK_WRITE_CURSOR_NS),
      ...(batchSize !== undefined ? { batchSize } : {}),
    });
    return { cursor, ...counts, ok: 1 };
  },
};
