// The Stable API (versioned API) checks mongod makes on every command: the
// apiVersion / apiStrict / apiDeprecationErrors fields, which commands belong
// to which API version, and which aggregation stages apiStrict forbids.
// Version "2" exists only for mongod's test commands (the acceptApiVersion2
// test parameter, which this test server reports as on).
import type { Document } from '../bson.js';
import { CommandError } from './command-error.js';
import { ErrorCodes } from './error-codes.js';

/** Commands in Stable API version 1 (what apiStrict: true permits). */
const API_VERSION_1_COMMANDS = new Set([
  'abortTransaction', 'aggregate', 'authenticate', 'bulkWrite', 'collMod', 'commitTransaction', 'count', 'create',
  'createIndexes', 'delete', 'drop', 'dropDatabase', 'dropIndexes', 'endSessions', 'explain', 'find', 'findAndModify',
  'getMore', 'hello', 'insert', 'killCursors', 'listCollections', 'listDatabases', 'listIndexes', 'ping',
  'refreshSessions', 'saslContinue', 'saslStart', 'update',
  // mongod's test commands (enableTestCommands) that declare version 1.
  'testVersion1', 'testVersions1And2', 'testDeprecation', 'testDeprecationInVersion2', 'testRemoval',
]);

/** mongod's test commands that declare version 2. */
const API_VERSION_2_COMMANDS = new Set(['testVersion2', 'testVersions1And2', 'testDeprecationInVersion2']);

const DEPRECATED: Readonly<Record<string, ReadonlySet<string>>> = {
  '1': new Set(['testDeprecation']),
  '2': new Set(['testDeprecationInVersion2']),
};

/** Aggregation stages outside API version 1: apiStrict rejects them inside an aggregate. */
const STAGES_OUTSIDE_VERSION_1 = new Set([
  '$collStats', '$currentOp', '$indexStats', '$listLocalSessions', '$listSessions', '$planCacheStats', '$search',
  '$searchMeta', '$listSearchIndexes', '$listSampledQueries', '$queryStats',
]);

const ACCEPTED_VERSIONS = new Set(['1', '2']);

export function checkStableApi(commandName: string, body: Document): void {
  const { apiVersion, apiStrict, apiDeprecationErrors } = body;
  if (apiVersion === undefined) {
    if (apiStrict !== undefined) throw new CommandError(4886600, 'Provided apiStrict without passing apiVersion');
    if (apiDeprecationErrors !== undefined) throw new CommandError(4886600, 'Provided apiDeprecationErrors without passing apiVersion');
    return;
  }
  if (typeof apiVersion !== 'string') {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'apiVersion' is the wrong type '${typeName(apiVersion)}', expected type 'string'`);
  }
  if (!ACCEPTED_VERSIONS.has(apiVersion)) throw new CommandError(ErrorCodes.APIVersionError, 'API version must be "1"');
  for (const [field, value] of [['apiStrict', apiStrict], ['apiDeprecationErrors', apiDeprecationErrors]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type '${typeName(value)}', expected type 'bool'`);
    }
  }
  if (apiStrict === true) {
    const members = apiVersion === '1' ? API_VERSION_1_COMMANDS : API_VERSION_2_COMMANDS;
    if (!members.has(commandName)) {
      throw new CommandError(ErrorCodes.APIStrictError, `Provided apiStrict:true, but the command ${commandName} is not in API Version ${apiVersion}`);
    }
    if (commandName === 'aggregate') checkStrictPipeline(body.pipeline, apiVersion);
  }
  if (apiDeprecationErrors === true && DEPRECATED[apiVersion]?.has(commandName) === true) {
    throw new CommandError(
      ErrorCodes.APIDeprecationError,
      `Provided apiDeprecationErrors:true, but the command ${commandName} is deprecated in API Version ${apiVersion}`,
    );
  }
}

function checkStrictPipeline(pipeline: unknown, apiVersion: string): void {
  if (!Array.isArray(pipeline)) return;
  for (const stage of pipeline) {
    if (typeof stage !== 'object' || stage === null) continue;
    const name = Object.keys(stage as Document)[0];
    if (name !== undefined && STAGES_OUTSIDE_VERSION_1.has(name)) {
      throw new CommandError(ErrorCodes.APIStrictError, `${name} is not allowed with 'apiStrict: true' in API Version ${apiVersion}`);
    }
  }
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return (value as { _bsontype?: string })._bsontype?.toLowerCase() ?? 'object';
  return typeof value;
}
