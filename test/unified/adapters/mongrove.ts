// The unified runner's adapter for mongrove, the driver under test. Its suites carry
// the plain spec names (adapter name ""), the official driver's are "<suite>@official".
import type { Document } from '../../../src/bson.js';
import { Client, type ClientBulkWriteModel, type ClientOptions, type Db } from '../../../src/index.js';
import type { LogRecord } from '../../../src/monitoring/logger/index.js';
import {
  UnsupportedOperationError,
  type BucketHandle,
  type ClientHandle,
  type ClientSpec,
  type DatabaseHandle,
  type DriverAdapter,
  type OperationArgs,
  type TopologyDescriptionView,
} from '../adapter.js';
import { MongroveCollection } from './mongrove-collection.js';
import { clientBulkWriteResultDoc, handleOptions, optionsOf, required } from './mongrove-convert.js';
import { MongroveCursor, openCursor } from './mongrove-cursor.js';
import { createMongroveChangeStream } from './mongrove-change-stream.js';
import { describeMongroveError } from './mongrove-errors.js';
import { wireEvents } from './mongrove-events.js';
import { topologyOf, trackTopology } from './topology-view.js';
import { fastRecheckTargetFactory } from './mongrove-target.js';
import { MongroveSession, sessionOptionsOf } from './mongrove-session.js';
import { createMongroveBucket } from './mongrove-bucket.js';

class MongroveClient implements ClientHandle {
  readonly kind = 'client';
  constructor(readonly driver: Client) {}

  database(name: string, options?: Document): DatabaseHandle {
    return new MongroveDatabase(this.driver.db(name, handleOptions(options)));
  }

  startSession(options?: Document): MongroveSession {
    return new MongroveSession(this.driver.startSession(sessionOptionsOf(options)));
  }

  topologyDescription(): TopologyDescriptionView {
    return topologyOf(this.driver);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  async run(name: string, args: OperationArgs): Promise<unknown> {
    switch (name) {
      case 'listDatabases':
      case 'listDatabaseObjects':
        return (await this.driver.listDatabases(optionsOf(name, args))).databases;
      case 'listDatabaseNames':
        return (await this.driver.listDatabases({ ...optionsOf(name, args), nameOnly: true })).databases.map((d) => d.name);
      case 'clientBulkWrite': {
        const models = required<ClientBulkWriteModel[]>(args, 'models', name);
        return clientBulkWriteResultDoc(await this.driver.bulkWrite(models, optionsOf(name, args, ['models'])));
      }
      case 'createChangeStream':
        return createMongroveChangeStream(this.driver, args);
      case 'dropDatabase':
        // causal-consistency's client-level form: the database is an argument.
        return this.driver.db(required<string>(args, 'database', name)).dropDatabase(optionsOf(name, args, ['database']));
      case 'close':
        await this.close();
        return undefined;
      case 'appendMetadata':
        this.driver.appendMetadata(required(args, 'driverInfoOptions', name));
        return undefined;
      default:
        throw new UnsupportedOperationError('client', name);
    }
  }
}

class MongroveDatabase implements DatabaseHandle {
  readonly kind = 'database';
  constructor(readonly driver: Db) {}

  get name(): string {
    return this.driver.databaseName;
  }

  collection(name: string, options?: Document): MongroveCollection {
    return new MongroveCollection(this.driver.collection(name, handleOptions(options)));
  }

  bucket(options?: Document): BucketHandle {
    return createMongroveBucket(this.driver, options);
  }

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const db = this.driver;
    const opts = (positional: readonly string[] = []): Document => optionsOf(name, args, positional);
    switch (name) {
      case 'runCommand':
        return db.command(required(args, 'command', name), opts(['command', 'commandName']));
      case 'runCursorCommand':
        return db.runCursorCommand(required(args, 'command', name), opts(['command', 'commandName'])).toArray();
      case 'createCommandCursor': {
        const cursor = db.runCursorCommand(required(args, 'command', name), opts(['command', 'commandName']));
        await openCursor(cursor);
        return new MongroveCursor('commandCursor', cursor);
      }
      case 'listCollections':
      case 'listCollectionObjects':
        return db.listCollections((args.filter ?? {}) as Document, opts(['filter'])).toArray();
      case 'listCollectionNames':
        return db.listCollectionNames((args.filter ?? {}) as Document, opts(['filter']));
      case 'createCollection':
        return new MongroveCollection(await db.createCollection(required(args, 'collection', name), opts(['collection'])));
      case 'dropCollection':
        return db.dropCollection(required(args, 'collection', name), opts(['collection']));
      case 'modifyCollection':
        return db.command({ collMod: required(args, 'collection', name), ...opts(['collection']) });
      case 'aggregate':
        return db.aggregate(required(args, 'pipeline', name), opts(['pipeline'])).toArray();
      case 'dropDatabase':
        return db.dropDatabase(opts());
      case 'createChangeStream':
        return createMongroveChangeStream(db, args);
      default:
        throw new UnsupportedOperationError('database', name);
    }
  }
}

/** Long enough for a hello reply from a member of a three-member set (the tests parse it back). */
const LOGGED_DOCUMENT_LENGTH = 1500;

function clientOptions(spec: ClientSpec): ClientOptions {
  const options: ClientOptions = {};
  if (spec.serverApi) options.serverApi = spec.serverApi as ClientOptions['serverApi'];
  if (spec.minHeartbeatFrequencyMS !== undefined) options.targetFactory = fastRecheckTargetFactory(spec.minHeartbeatFrequencyMS);
  const onLog = spec.onLog;
  if (!spec.observeLogMessages || !onLog) return options;
  return {
    ...options,
    mongodbLogComponentSeverities: spec.observeLogMessages as ClientOptions['mongodbLogComponentSeverities'],
    // A three-member set's hello reply (logged in full by heartbeat messages) runs past the default 1000 characters.
    mongodbLogMaxDocumentLength: LOGGED_DOCUMENT_LENGTH,
    mongodbLogPath: {
      write: (record: LogRecord) => onLog({ level: record.severity, component: record.component, data: { ...record.message } }),
    },
  };
}

export const mongroveAdapter: DriverAdapter = {
  name: '',
  async createClient(spec: ClientSpec): Promise<ClientHandle> {
    const client = new Client(spec.uri, clientOptions(spec));
    wireEvents(client, spec.onEvent);
    trackTopology(client);
    await client.connect();
    return new MongroveClient(client);
  },
  describeError: describeMongroveError,
};
