// Typed shapes of a unified test file (unified-test-format.md "Test Format").
// The loader validates a file against the spec's JSON schema before it is
// viewed through these types, so unknown fields never reach the runner.
import type { Document } from '../../src/bson.js';

export type Topology = 'single' | 'replicaset' | 'sharded' | 'sharded-replicaset' | 'load-balanced';

export interface RunOnRequirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: Topology[];
  serverless?: 'require' | 'forbid' | 'allow';
  serverParameters?: Document;
  auth?: boolean;
  authMechanism?: string;
  csfle?: boolean | { minLibmongocryptVersion?: string };
}

export interface ServerApiSpec {
  version: string;
  strict?: boolean;
  deprecationErrors?: boolean;
}

export interface StoreEventsAsEntity {
  id: string;
  events: string[];
}

export interface ClientEntitySpec {
  id: string;
  uriOptions?: Document;
  useMultipleMongoses?: boolean;
  observeEvents?: string[];
  ignoreCommandMonitoringEvents?: string[];
  storeEventsAsEntities?: StoreEventsAsEntity[];
  observeLogMessages?: Record<string, string>;
  observeTracingMessages?: Document;
  serverApi?: ServerApiSpec;
  observeSensitiveCommands?: boolean;
  autoEncryptOpts?: Document;
  awaitMinPoolSizeMS?: number;
}

export interface CollectionOrDatabaseOptions {
  readConcern?: Document;
  readPreference?: Document;
  writeConcern?: Document;
  timeoutMS?: number;
}

export interface EntitySpec {
  client?: ClientEntitySpec;
  clientEncryption?: { id: string; clientEncryptionOpts: Document };
  database?: { id: string; client: string; databaseName: string; databaseOptions?: CollectionOrDatabaseOptions };
  collection?: { id: string; database: string; collectionName: string; collectionOptions?: CollectionOrDatabaseOptions };
  session?: { id: string; client: string; sessionOptions?: Document };
  bucket?: { id: string; database: string; bucketOptions?: Document };
  thread?: { id: string };
}

export interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Document;
  documents: Document[];
}

export interface ExpectedError {
  isError?: true;
  isClientError?: boolean;
  isTimeoutError?: boolean;
  errorContains?: string;
  errorCode?: number;
  errorCodeName?: string;
  errorLabelsContain?: string[];
  errorLabelsOmit?: string[];
  writeErrors?: Document;
  writeConcernErrors?: Document[];
  errorResponse?: Document;
  expectResult?: unknown;
}

export interface Operation {
  name: string;
  object: string;
  arguments?: Document;
  ignoreResultAndError?: boolean;
  expectError?: ExpectedError;
  expectResult?: unknown;
  saveResultAsEntity?: string;
}

export type EventType = 'command' | 'cmap' | 'sdam';

/** One expected event: a single key (the event name) mapping to its assertions. */
export type ExpectedEvent = Record<string, Document>;

export interface ExpectedEventsForClient {
  client: string;
  eventType?: EventType;
  events: ExpectedEvent[];
  ignoreExtraEvents?: boolean;
}

export interface ExpectedLogMessage {
  level: string;
  component: string;
  failureIsRedacted?: boolean;
  data: Document;
}

export interface ExpectedLogMessagesForClient {
  client: string;
  messages: ExpectedLogMessage[];
  ignoreMessages?: ExpectedLogMessage[];
  ignoreExtraMessages?: boolean;
}

export interface UnifiedTest {
  description: string;
  runOnRequirements?: RunOnRequirement[];
  skipReason?: string;
  operations: Operation[];
  expectEvents?: ExpectedEventsForClient[];
  expectLogMessages?: ExpectedLogMessagesForClient[];
  expectTracingMessages?: Document[];
  outcome?: CollectionData[];
}

export interface UnifiedFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: RunOnRequirement[];
  createEntities?: EntitySpec[];
  initialData?: CollectionData[];
  tests: UnifiedTest[];
  _yamlAnchors?: Document;
}
