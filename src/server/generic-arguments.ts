// Checks of the generic command arguments every command accepts (Stable API
// fields, writeConcern, readConcern, maxTimeMS), done once in the dispatcher so
// handlers see only well-formed values. Codes and messages follow a standalone
// mongod 8.0.
import { calculateObjectSize, type Document } from '../bson.js';
import { CommandError } from './command-error.js';
import { ErrorCodes } from './error-codes.js';
import { numberValue } from './failpoints/failpoint.js';
import { checkStableApi, typeName } from './stable-api.js';
import { isDocument } from '../util/is-document.js';

/** maxBsonObjectSize plus the 16 KiB a real server allows for command overhead. */
export const MAX_COMMAND_BYTES = 16 * 1024 * 1024 + 16 * 1024;
const MAX_INT32 = 2 ** 31 - 1;

const READ_CONCERN_LEVELS = new Set(['local', 'majority', 'linearizable', 'available', 'snapshot']);

export function checkCommandSize(bodyBytes: number | undefined, body: Document): void {
  const size = bodyBytes ?? calculateObjectSize(body);
  if (size > MAX_COMMAND_BYTES) {
    throw new CommandError(ErrorCodes.BSONObjectTooLarge, `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_COMMAND_BYTES}(16MB)`);
  }
}

export interface GenericArgumentOptions {
  /** A replica-set member serves readConcern snapshot; a standalone refuses it. */
  readonly replicaSet?: boolean;
}

export function checkGenericArguments(commandName: string, body: Document, options: GenericArgumentOptions = {}): void {
  checkStableApi(commandName, body);
  if ('writeConcern' in body) checkWriteConcern(body.writeConcern);
  if ('readConcern' in body) {
    checkReadConcern(body.readConcern, options.replicaSet === true);
    checkReadConcernSupport(commandName, body);
  }
  if ('maxTimeMS' in body) maxTimeMSOf(body);
}

/** The command's maxTimeMS (0 = none), validated. */
export function maxTimeMSOf(body: Document): number {
  const raw = body.maxTimeMS;
  if (raw === undefined || raw === null) return 0;
  const value = numberValue(raw);
  if (value === undefined || typeof raw === 'boolean' || typeof raw === 'string') {
    throw new CommandError(ErrorCodes.BadValue, `maxTimeMS must be a number`);
  }
  if (!Number.isInteger(value) || value < 0 || value > MAX_INT32) {
    throw new CommandError(ErrorCodes.BadValue, `${value} value for maxTimeMS is out of range [0, ${MAX_INT32}]`);
  }
  return value;
}

function checkWriteConcern(writeConcern: unknown): void {
  if (!isDocument(writeConcern)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'writeConcern' is the wrong type '${typeName(writeConcern)}', expected type 'object'`);
  }
  const { w, j, wtimeout } = writeConcern;
  if (w !== undefined) {
    const n = numberValue(w);
    if (typeof w === 'string') {
      if (w.length === 0) throw new CommandError(ErrorCodes.FailedToParse, 'w cannot be an empty string');
    } else if (n === undefined || typeof w === 'boolean') {
      throw new CommandError(ErrorCodes.FailedToParse, 'w has to be a number or a string');
    } else if (!Number.isInteger(n) || n < 0) {
      throw new CommandError(ErrorCodes.FailedToParse, `w has to be a non-negative number and not greater than 50; found: ${n}`);
    }
  }
  if (j !== undefined && typeof j !== 'boolean' && numberValue(j) === undefined) {
    throw new CommandError(ErrorCodes.FailedToParse, 'j must be numeric or a boolean value');
  }
  if (wtimeout !== undefined && numberValue(wtimeout) === undefined) {
    throw new CommandError(ErrorCodes.FailedToParse, 'wtimeout must be a number');
  }
  const journaled = j === true || (numberValue(j) ?? 0) !== 0;
  if (numberValue(w) === 0 && journaled) {
    throw new CommandError(ErrorCodes.FailedToParse, 'Cannot use w:0 with j:true: an unacknowledged write cannot be journaled');
  }
}

function checkReadConcern(readConcern: unknown, replicaSet: boolean): void {
  if (!isDocument(readConcern)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'readConcern' is the wrong type '${typeName(readConcern)}', expected type 'object'`);
  }
  const level = readConcern.level;
  if (level === undefined) return;
  if (typeof level !== 'string') {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'readConcern.level' is the wrong type '${typeName(level)}', expected type 'string'`);
  }
  if (!READ_CONCERN_LEVELS.has(level)) {
    throw new CommandError(ErrorCodes.BadValue, `Enumeration value '${level}' for field 'readConcern.level' is not a valid value.`);
  }
  // A standalone has no majority-committed snapshots to read from (mongod 5.0+).
  if (level === 'snapshot' && !replicaSet) throw new CommandError(ErrorCodes.NotAReplicaSet, 'node needs to be a replica set member to use readConcern: snapshot');
}

/** Outside a transaction, readConcern snapshot is a read-only feature of these commands (mongod 5.0+). */
const SNAPSHOT_READ_COMMANDS = new Set(['find', 'aggregate', 'distinct']);
const WRITING_STAGES = ['$out', '$merge'];

/** The per-command readConcern rules mongod applies before running a command (InvalidOptions). */
function checkReadConcernSupport(commandName: string, body: Document): void {
  const level = isDocument(body.readConcern) ? body.readConcern.level : undefined;
  const refuse = (reason: string): never => {
    throw new CommandError(ErrorCodes.InvalidOptions, `Command ${commandName} does not support { readConcern: { level: "${String(level)}" } } :: caused by :: ${reason}`);
  };
  const inTransaction = body.autocommit !== undefined;
  if (level === 'snapshot' && !inTransaction && !SNAPSHOT_READ_COMMANDS.has(commandName)) refuse('read concern snapshot is only supported by find, aggregate and distinct outside transactions');
  if (level === 'linearizable' && commandName === 'aggregate' && Array.isArray(body.pipeline)) {
    const writer = body.pipeline.map((stage) => (isDocument(stage) ? Object.keys(stage)[0] : undefined)).find((name) => name !== undefined && WRITING_STAGES.includes(name));
    if (writer !== undefined) refuse(`${writer} cannot be used with a 'linearizable' read concern level`);
  }
}

