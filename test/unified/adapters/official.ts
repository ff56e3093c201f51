// The unified runner's adapter for the official `mongodb` driver (the oracle).
import { GridFSBucket, MongoClient, type ClientSession, type Db, type MongoClientOptions } from 'mongodb';
import type { Document } from '../../../src/bson.js';
import {
  UnsupportedOperationError,
  type BucketHandle,
  type ClientHandle,
  type ClientSpec,
  type DatabaseHandle,
  type DriverAdapter,
  type OperationArgs,
  type TopologyDescriptionView,
  type SessionHandle,
  type TransactionState,
} from '../adapter.js';
import { OfficialCollection } from './official-collection.js';
import { clientBulkWriteResultDoc, clientWriteModel, handleOptions, optionsOf, required, toReadPreference } from './official-convert.js';
import { OfficialCursor, initCursor } from './official-cursor.js';
import { describeOfficialError } from './official-errors.js';
import { wireEvents } from './official-events.js';
import { topologyOf, trackTopology } from './topology-view.js';

class OfficialClient implements ClientHandle {
  readonly kind = 'client';
  constructor(readonly driver: MongoClient) {}

  database(name: string, options?: Document): DatabaseHandle {
    return new OfficialDatabase(this.driver.db(name, handleOptions(options)));
  }

  startSession(options?: Document): SessionHandle {
    const opts: Document = { ...options };
    if (options?.defaultTransactionOptions) opts.defaultTransactionOptions = handleOptions(options.defaultTransactionOptions as Document);
    return new OfficialSession(this.driver.startSession(opts));
  }

  topologyDescription(): TopologyDescriptionView {
    return topologyOf(this.driver);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const admin = this.driver.db('admin').admin();
    switch (name) {
      case 'listDatabases':
      case 'listDatabaseObjects':
        return (await admin.listDatabases(optionsOf(args))).databases;
      case 'listDatabaseNames':
        return (await admin.listDatabases({ ...optionsOf(args), nameOnly: true })).databases.map((d) => d.name);
      case 'clientBulkWrite': {
        const models = required<unknown[]>(args, 'models', name).map(clientWriteModel);
        return clientBulkWriteResultDoc(await this.driver.bulkWrite(models as never, optionsOf(args, ['models'])));
      }
      case 'createChangeStream': {
        const stream = this.driver.watch((args.pipeline ?? []) as Document[], optionsOf(args, ['pipeline']));
        await initCursor(stream);
        return new OfficialCursor('changeStream', stream);
      }
      case 'dropDatabase':
        // causal-consistency's client-level form: the database is an argument.
        return this.driver.db(required<string>(args, 'database', name)).dropDatabase(optionsOf(args, ['database']));
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

class OfficialDatabase implements DatabaseHandle {
  readonly kind = 'database';
  constructor(readonly driver: Db) {}

  get name(): string {
    return this.driver.databaseName;
  }

  collection(name: string, options?: Document): OfficialCollection {
    return new OfficialCollection(this.driver.collection(name, handleOptions(options)));
  }

  bucket(options?: Document): BucketHandle {
    return new OfficialBucket(new GridFSBucket(this.driver, handleOptions(options)));
  }

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const db = this.driver;
    switch (name) {
      case 'runCommand':
        return db.command(required(args, 'command', name), optionsOf(args, ['command', 'commandName']));
      case 'runCursorCommand':
        return this.commandCursor(args).toArray();
      case 'createCommandCursor': {
        const cursor = this.commandCursor(args);
        await initCursor(cursor);
        return new OfficialCursor('commandCursor', cursor);
      }
      case 'listCollections':
      case 'listCollectionObjects':
        return db.listCollections((args.filter ?? {}) as Document, optionsOf(args, ['filter'])).toArray();
      case 'listCollectionNames':
        return (await db.listCollections((args.filter ?? {}) as Document, { ...optionsOf(args, ['filter']), nameOnly: true }).toArray()).map((c) => c.name);
      case 'createCollection':
        return new OfficialCollection(await db.createCollection(required(args, 'collection', name), optionsOf(args, ['collection'])));
      case 'dropCollection':
        return db.dropCollection(required(args, 'collection', name), optionsOf(args, ['collection']));
      case 'modifyCollection': {
        const { session, ...rest } = optionsOf(args, ['collection']);
        return db.command({ collMod: required(args, 'collection', name), ...rest }, { session });
      }
      case 'aggregate':
        return db.aggregate(required(args, 'pipeline', name), optionsOf(args, ['pipeline'])).toArray();
      case 'createChangeStream': {
        const stream = db.watch((args.pipeline ?? []) as Document[], optionsOf(args, ['pipeline']));
        await initCursor(stream);
        return new OfficialCursor('changeStream', stream);
      }
      case 'dropDatabase':
        return db.dropDatabase(optionsOf(args));
      default:
        throw new UnsupportedOperationError('database', name);
    }
  }

  private commandCursor(args: OperationArgs): ReturnType<Db['runCursorCommand']> {
    const { batchSize, maxTimeMS, comment, ...rest } = optionsOf(args, ['command', 'commandName']);
    const cursor = this.driver.runCursorCommand(required(args, 'command', 'runCursorCommand'), rest);
    if (typeof batchSize === 'number') cursor.setBatchSize(batchSize);
    if (typeof maxTimeMS === 'number') cursor.setMaxTimeMS(maxTimeMS);
    if (comment !== undefined) cursor.setComment(comment);
    return cursor;
  }
}

const TXN_STATES: Record<string, TransactionState> = {
  NO_TRANSACTION: 'none',
  STARTING_TRANSACTION: 'starting',
  TRANSACTION_IN_PROGRESS: 'in_progress',
  TRANSACTION_COMMITTED: 'committed',
  TRANSACTION_COMMITTED_EMPTY: 'committed',
  TRANSACTION_ABORTED: 'aborted',
};

class OfficialSession implements SessionHandle {
  readonly kind = 'session';
  readonly lsid: Document;
  constructor(readonly driverSession: ClientSession) {
    const id = driverSession.id;
    if (!id) throw new Error('official driver: session has no lsid');
    this.lsid = id;
  }

  transactionState(): TransactionState {
    const state = String((this.driverSession as unknown as { transaction: { state: string } }).transaction.state);
    return TXN_STATES[state] ?? 'none';
  }

  isPinned(): boolean {
    return this.driverSession.isPinned;
  }

  pinnedAddress(): string | undefined {
    const server = (this.driverSession as unknown as { transaction: { server?: { description?: { address?: string } } } }).transaction.server;
    return server?.description?.address;
  }

  isDirty(): boolean {
    return Boolean((this.driverSession as unknown as { serverSession?: { isDirty?: boolean } }).serverSession?.isDirty);
  }

  advanceClusterTime(clusterTime: Document): void {
    this.driverSession.advanceClusterTime(clusterTime as Parameters<ClientSession['advanceClusterTime']>[0]);
  }

  async end(): Promise<void> {
    await this.driverSession.endSession();
  }

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const s = this.driverSession;
    const txnOptions = (): Document => {
      const o = optionsOf(args, ['callback']);
      if (args.readPreference !== undefined) o.readPreference = toReadPreference(args.readPreference);
      return o;
    };
    switch (name) {
      case 'startTransaction':
        s.startTransaction(txnOptions());
        return undefined;
      case 'commitTransaction':
        await s.commitTransaction();
        return undefined;
      case 'abortTransaction':
        await s.abortTransaction();
        return undefined;
      case 'withTransaction':
        await s.withTransaction(required<() => Promise<void>>(args, 'callback', name), txnOptions());
        return undefined;
      case 'endSession':
        await this.end();
        return undefined;
      case 'getSnapshotTime':
        return (s as unknown as { snapshotTime?: unknown }).snapshotTime;
      case 'advanceClusterTime':
        this.advanceClusterTime(required<Document>(args, 'clusterTime', name));
        return undefined;
      default:
        throw new UnsupportedOperationError('session', name);
    }
  }
}

class OfficialBucket implements BucketHandle {
  readonly kind = 'bucket';
  constructor(private readonly driver: GridFSBucket) {}

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const b = this.driver;
    switch (name) {
      case 'upload':
      case 'uploadWithId': {
        const source = required<Uint8Array>(args, 'source', name);
        const filename = required<string>(args, 'filename', name);
        const options = optionsOf(args, ['id', 'filename', 'source']);
        const stream = name === 'upload' ? b.openUploadStream(filename, options) : b.openUploadStreamWithId(required(args, 'id', name), filename, options);
        await new Promise<void>((resolve, reject) => {
          stream.once('finish', () => resolve());
          stream.once('error', reject);
          stream.end(Buffer.from(source));
        });
        return stream.id;
      }
      case 'download':
      case 'downloadByName': {
        const stream = name === 'download'
          ? b.openDownloadStream(required(args, 'id', name))
          : b.openDownloadStreamByName(required(args, 'filename', name), optionsOf(args, ['filename']));
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      }
      case 'delete':
        await b.delete(required(args, 'id', name));
        return undefined;
      case 'rename':
        await b.rename(required(args, 'id', name), required(args, 'newFilename', name));
        return undefined;
      case 'drop':
        await b.drop();
        return undefined;
      case 'find':
        return b.find((args.filter ?? {}) as Document, optionsOf(args, ['filter'])).toArray();
      default:
        throw new UnsupportedOperationError('bucket', name);
    }
  }
}

export const officialAdapter: DriverAdapter = {
  name: 'official',
  async createClient(spec: ClientSpec): Promise<ClientHandle> {
    // Skip the connection check-out the driver does on connect(), which would show up as CMAP events the tests do not expect.
    const options: MongoClientOptions = { monitorCommands: true, ...({ __skipPingOnConnect: true } as MongoClientOptions) };
    if (spec.minHeartbeatFrequencyMS !== undefined) options.minHeartbeatFrequencyMS = spec.minHeartbeatFrequencyMS;
    if (spec.serverApi) options.serverApi = spec.serverApi as MongoClientOptions['serverApi'];
    if (spec.observeLogMessages && spec.onLog) {
      const onLog = spec.onLog;
      options.mongodbLogComponentSeverities = spec.observeLogMessages as MongoClientOptions['mongodbLogComponentSeverities'];
      // A three-member set's hello reply (logged in full by heartbeat messages) runs past the default 1000 characters.
      options.mongodbLogMaxDocumentLength = 1500;
      options.mongodbLogPath = {
        write: (log: Document) => {
          const { s, c, t: _t, ...data } = log;
          onLog({ level: String(s), component: String(c), data });
        },
      };
    }
    const client = new MongoClient(spec.uri, options);
    wireEvents(client, spec.onEvent);
    trackTopology(client);
    await client.connect();
    return new OfficialClient(client);
  },
  describeError: describeOfficialError,
};
