// The $changeStream stage's options, checked as mongod checks them.
import { Timestamp, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isPlainDocument } from '../query/bson-types.js';
import { decodeResumeToken, type ResumePoint } from './resume-token.js';

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';
export type FullDocumentBeforeChangeMode = 'off' | 'whenAvailable' | 'required';

export interface ChangeStreamSpec {
  readonly fullDocument: FullDocumentMode;
  readonly fullDocumentBeforeChange: FullDocumentBeforeChangeMode;
  readonly resumeAfter?: ResumePoint;
  readonly startAfter?: ResumePoint;
  readonly startAtOperationTime?: Timestamp;
  readonly showExpandedEvents: boolean;
  readonly allChangesForCluster: boolean;
}

const FULL_DOCUMENT_MODES: readonly FullDocumentMode[] = ['default', 'updateLookup', 'whenAvailable', 'required'];
const BEFORE_CHANGE_MODES: readonly FullDocumentBeforeChangeMode[] = ['off', 'whenAvailable', 'required'];

/** Options mongod accepts for internal or sharded use; they change nothing on one replica set member. */
const IGNORED_BOOLEAN_OPTIONS = new Set(['showMigrationEvents', 'showSystemEvents', 'showRawUpdateDescription', 'allowToRunOnConfigDB', 'allowToRunOnSystemNS', '$_passthroughToShard']);

function wrongType(field: string, value: unknown, expected: string): CommandError {
  return new CommandError(ErrorCodes.TypeMismatch, `BSON field '$changeStream.${field}' is the wrong type '${bsonTypeOf(value)}', expected type '${expected}'`);
}

function enumOption<T extends string>(spec: Document, field: string, allowed: readonly T[], fallback: T): T {
  const value = spec[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw wrongType(field, value, 'string');
  const found = allowed.find((mode) => mode === value);
  if (found === undefined) throw new CommandError(ErrorCodes.BadValue, `Enumeration value '${value}' for field '$changeStream.${field}' is not a valid value.`);
  return found;
}

function booleanOption(spec: Document, field: string): boolean {
  const value = spec[field];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw wrongType(field, value, 'bool');
  return value;
}

export function parseChangeStreamSpec(raw: unknown): ChangeStreamSpec {
  if (!isPlainDocument(raw)) {
    throw new CommandError(50808, `$changeStream stage expects a document as argument, but found: ${bsonTypeOf(raw)}`);
  }
  const known = new Set(['fullDocument', 'fullDocumentBeforeChange', 'resumeAfter', 'startAfter', 'startAtOperationTime', 'showExpandedEvents', 'allChangesForCluster']);
  for (const [field, value] of Object.entries(raw)) {
    if (known.has(field)) continue;
    if (!IGNORED_BOOLEAN_OPTIONS.has(field)) throw new CommandError(ErrorCodes.IDLUnknownField, `BSON field '$changeStream.${field}' is an unknown field.`);
    if (typeof value !== 'boolean') throw wrongType(field, value, 'bool');
  }
  const resumeOptions = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((field) => raw[field] !== undefined);
  if (raw.resumeAfter !== undefined && raw.startAfter !== undefined) {
    throw new CommandError(50865, "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage");
  }
  if (resumeOptions.length > 1) throw new CommandError(40674, 'Only one type of resume option is allowed, but multiple were found.');
  const startAt: unknown = raw.startAtOperationTime;
  if (startAt !== undefined && !(startAt instanceof Timestamp)) throw wrongType('startAtOperationTime', startAt, 'timestamp');
  return {
    fullDocument: enumOption(raw, 'fullDocument', FULL_DOCUMENT_MODES, 'default'),
    fullDocumentBeforeChange: enumOption(raw, 'fullDocumentBeforeChange', BEFORE_CHANGE_MODES, 'off'),
    ...(raw.resumeAfter !== undefined ? { resumeAfter: decodeResumeToken(raw.resumeAfter, 'resumeAfter') } : {}),
    ...(raw.startAfter !== undefined ? { startAfter: decodeResumeToken(raw.startAfter, 'startAfter') } : {}),
    ...(startAt instanceof Timestamp ? { startAtOperationTime: startAt } : {}),
    showExpandedEvents: booleanOption(raw, 'showExpandedEvents'),
    allChangesForCluster: booleanOption(raw, 'allChangesForCluster'),
  };
}
