// The two drivers behind one small interface: exactly the calls the benchmark times.
// mongrove is loaded dynamically so the official side and the floor still run (and the
// failure is reported) while mongrove's public API is incomplete.
import { MongoClient } from 'mongodb';
import type { Document } from '../src/bson.js';
import type { Client as MongroveClient } from '../src/index.js';

export type DriverName = 'mongrove' | 'official';
export const DRIVERS: readonly DriverName[] = ['mongrove', 'official'];

export interface BenchCollection {
  findOne(filter: Document): Promise<unknown>;
  insertOne(doc: Document): Promise<unknown>;
  insertMany(docs: Document[]): Promise<unknown>;
  find(filter: Document): AsyncIterable<unknown>;
}

/** The command-monitoring fields the benchmark reads (both drivers publish them). */
export interface CommandEventLike {
  commandName: string;
  command?: Document;
  reply?: unknown;
}

export interface BenchClient {
  connect(): Promise<unknown>;
  collection(db: string, name: string): BenchCollection;
  onCommand(event: 'commandStarted' | 'commandSucceeded', listener: (e: CommandEventLike) => void): void;
  close(): Promise<void>;
}

let mongroveClass: Promise<typeof MongroveClient> | undefined;

/** Loaded on first use so a broken src/ is reported as a failure, not a crash of the whole run. */
async function loadMongrove(): Promise<typeof MongroveClient> {
  const mod = await import('../src/index.js');
  return mod.Client;
}

/** `monitor`: a client that publishes command events (only used for the untimed batch census). */
export async function createClient(name: DriverName, uri: string, monitor = false): Promise<BenchClient> {
  if (name === 'official') {
    const client = new MongoClient(uri, monitor ? { monitorCommands: true } : {});
    return {
      connect: () => client.connect(),
      collection: (db, coll) => client.db(db).collection(coll),
      onCommand: (event, listener) => void client.on(event, listener),
      close: () => client.close(),
    };
  }
  mongroveClass ??= loadMongrove();
  const Client = await mongroveClass;
  const client = new Client(uri);
  return {
    connect: () => client.connect(),
    collection: (db, coll) => client.db(db).collection(coll),
    onCommand: (event, listener) => void client.on(event, (e) => listener({ commandName: e.commandName, command: 'command' in e ? e.command : undefined, reply: 'reply' in e ? e.reply : undefined })),
    close: () => client.close(),
  };
}
