// THE central table of spec tests we do not run, each with its reason.
// A spec test is skipped only when it matches a row here; the spec report
// counts these skips. Keep rows narrow (suite + file + test) and reasons honest.

export interface SpecSkip {
  /** Suite name as the report shows it, e.g. "connection-string" or "crud@official". A trailing "*" matches any suffix. */
  suite: string;
  /** Substring of the spec file path (relative to the suite folder); omitted = every file. */
  file?: string;
  /** Substring of the test description; omitted = every test in the file. */
  test?: string;
  reason: string;
}


export const SPEC_SKIPS: readonly SpecSkip[] = [
  // Features mongrove does not have yet (remove the row with the feature).
  { suite: 'change-streams', file: 'unified/change-streams-errors.json', reason: 'not implemented yet: mongrove has no ChangeStream / watch() helper (the embedded server is a single node, which cannot run change streams either)' },
  // Official driver (v7) behaviour, not the embedded server's.
  { suite: 'retryable-writes@official', file: 'unified/bulkWrite.json', test: 'First insertOne is never committed', reason: 'official driver (v7) behaviour: the partial result on its error lists insertedIds {0: 2} for an insert the server never committed' },
  { suite: 'command-logging-and-monitoring@official', file: 'logging/operation-id.json', test: 'bulk write command log message', reason: 'official driver (v7) behaviour: its command log messages carry no operationId (mongrove passes these tests against the same server)' },
  { suite: 'auth', file: 'legacy/connection-string.json', test: 'should use username and password if specified (MONGODB-AWS)', reason: "stale test: auth.md (changelog 2025-09-30, 'Obtaining Credentials') says credentials given in the URI for MONGODB-AWS MUST raise an error; the same file's 'should throw an exception if username and password provided (MONGODB-AWS)' expects that error" },
  { suite: 'auth', file: 'legacy/connection-string.json', test: 'should use username, password and session token if specified (MONGODB-AWS)', reason: "stale test: auth.md (changelog 2025-09-30) forbids MONGODB-AWS username/password/AWS_SESSION_TOKEN in the URI; the same file's 'should throw an exception if AWS_SESSION_TOKEN provided' expects an error" },
  { suite: 'uri-options', file: 'concern-options.json', test: 'Too low wTimeoutMS causes a warning', reason: "contradicts read-write-concern/connection-string 'wtimeoutMS as an invalid number' (wtimeoutMS=-500 must be an error); we follow the write-concern rule (wtimeout >= 0 or error)" },
  { suite: 'initial-dns-seedlist-discovery', file: 'replica-set/srv-service-name.json', reason: "the spec README's zone lists one _customname._tcp.test22 SRV record (port 27017) but the test expects two seeds (27017, 27018); our fake DNS serves only the README's records (srvServiceName is covered by test/connection/srv unit tests)" },
  // Unified runner + official driver: operations the official driver (v7) no longer has.
  // (Tests whose runOnRequirements the target does not meet are skipped at run time by test/unified/suite.ts
  // with the fixed reason "runOnRequirements not met by <topology> <version>"; they need no rows here.)
  { suite: 'retryable-reads@official', file: 'unified/mapReduce.json', reason: 'the official driver (v7) removed Collection.mapReduce, so the runner has nothing to call' },
  { suite: 'gridfs@official', file: 'deleteByName.json', reason: 'the official driver (v7) has no GridFSBucket.deleteByName' },
  { suite: 'gridfs@official', file: 'renameByName.json', reason: 'the official driver (v7) has no GridFSBucket.renameByName' },
  { suite: 'gridfs@official', file: 'download.json', test: 'download when final chunk is missing', reason: 'official driver (v7) behaviour: GridFSBucketReadStream ends without error when the cursor runs out before file.length bytes (gridfs/download.js doRead)' },
  { suite: 'retryable-reads@official', file: 'unified/gridfs-download', reason: 'official driver (v7) behaviour: GridFS downloads query fs.files with { _id: { $eq: id } } while the expected commandStartedEvent has { _id: id }' },
  { suite: 'crud@official', file: 'unified/bypassDocumentValidation.json', test: 'passes bypassDocumentValidation: false', reason: 'official driver (v7) behaviour: bulk writes, findAndModify and aggregate send bypassDocumentValidation only when it is true' },
  { suite: 'crud@official', file: 'unified/client-bulkWrite-partialResults.json', test: 'partialResult is unset', reason: 'official driver (v7) behaviour: MongoClientBulkWriteError always carries partialResult (client_bulk_write/results_merger.js), even when bulk-write.md says it MUST NOT (nothing succeeded)' },
  { suite: 'crud@official', file: 'unified/create-null-ids.json', test: 'inserting _id with type null via clientBulkWrite', reason: 'official driver (v7) behaviour: client bulkWrite replaces a null _id with a new ObjectId (command_builder.js uses `_id ?? pkFactory.createPk()`)' },
  { suite: 'crud@official', file: 'unified/create-null-ids.json', test: 'inserting _id with type null via insertOne', reason: 'official driver (v7) behaviour: insertOne replaces a null _id with a new ObjectId before sending (utils.js maybeAddIdToDocuments tests `_id == null`)' },
  { suite: 'crud@official', file: 'unified/create-null-ids.json', test: 'inserting _id with type null via insertMany', reason: 'official driver (v7) behaviour: insertMany replaces a null _id with a new ObjectId before sending (utils.js maybeAddIdToDocuments tests `_id == null`)' },
  { suite: 'crud@official', file: 'unified/create-null-ids.json', test: 'inserting _id with type null via bulkWrite', reason: 'official driver (v7) behaviour: collection bulkWrite inserts replace a null _id with a new ObjectId (bulk/common.js calls maybeAddIdToDocuments, which tests `_id == null`)' },
  // Unified runner + mongrove: APIs the specs tell new drivers not to have.
  { suite: 'crud', file: 'unified/count', test: 'Deprecated count', reason: "crud.md: Collection.count() 'is DEPRECATED and should not be implemented in new drivers'; mongrove has countDocuments/estimatedDocumentCount only" },
  { suite: 'retryable-reads', file: 'unified/count.json', reason: "crud.md: Collection.count() 'should not be implemented in new drivers'; mongrove has none (its retryable countDocuments/estimatedDocumentCount files run)" },
  { suite: 'retryable-reads', file: 'unified/count-serverErrors.json', reason: "crud.md: Collection.count() 'should not be implemented in new drivers'; mongrove has none (its retryable countDocuments/estimatedDocumentCount files run)" },
  { suite: 'retryable-reads', file: 'unified/mapReduce.json', reason: 'mapReduce is not part of the CRUD spec API (and MUST NOT be retried); mongrove has no Collection.mapReduce, so the runner has nothing to call' },
  // retryable-writes (both drivers) against the embedded one-member replica set: a server failpoint it lacks.
];

function suiteMatches(pattern: string, suite: string): boolean {
  return pattern.endsWith('*') ? suite.startsWith(pattern.slice(0, -1)) : pattern === suite;
}

export function skipReason(suite: string, file: string, test: string): string | undefined {
  const row = SPEC_SKIPS.find(
    (s) => suiteMatches(s.suite, suite) && (s.file === undefined || file.includes(s.file)) && (s.test === undefined || test.includes(s.test)),
  );
  return row?.reason;
}
