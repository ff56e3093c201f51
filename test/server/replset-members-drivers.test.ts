// Both drivers against a three-member embedded replica set: they discover every member, route a
// secondary read to a secondary, and follow a replSetStepDown to the newly elected primary
// (promptly, through the members' awaitable hellos, with the default 10 s heartbeat).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { Client } from '../../src/index.js';
import type { Document } from '../../src/bson.js';
import { MemoryServer } from '../../src/server/index.js';
import { hostString } from '../../src/server/server-runtime.js';

/** What the test needs of a connected driver; its last topology description comes from topologyDescriptionChanged. */
interface DriverHandle {
  /** Server address → server type, from the latest topology description. */
  servers(): Map<string, string>;
  topologyType(): string;
  /** Addresses the driver sent each successful `find` to. */
  readonly findAddresses: string[];
  insert(document: Document): Promise<void>;
  findOnSecondary(): Promise<Document[]>;
  admin(command: Document): Promise<Document>;
  close(): Promise<void>;
}

interface DescriptionLike {
  type: string;
  servers: ReadonlyMap<string, { type: string }>;
}

function tracker(): { update(description: DescriptionLike): void; servers(): Map<string, string>; type(): string } {
  let latest: DescriptionLike | undefined;
  return {
    update: (description) => {
      latest = description;
    },
    servers: () => new Map([...(latest?.servers ?? new Map<string, { type: string }>())].map(([address, server]) => [address, server.type])),
    type: () => latest?.type ?? 'Unknown',
  };
}

/** What both drivers' clients offer that the test uses (each driver's own types fit it). */
interface DriverClient {
  on(event: 'topologyDescriptionChanged', listener: (event: { newDescription: DescriptionLike }) => void): unknown;
  on(event: 'commandSucceeded', listener: (event: { commandName: string; address: string }) => void): unknown;
  connect(): Promise<unknown>;
  db(name: string): {
    collection(name: string): {
      insertOne(document: Document): Promise<unknown>;
      find(filter: Document, options: Document): { toArray(): Promise<Document[]> };
    };
    command(command: Document): Promise<Document>;
  };
  close(): Promise<void>;
}

async function connectDriver(client: DriverClient): Promise<DriverHandle> {
  const topology = tracker();
  const findAddresses: string[] = [];
  client.on('topologyDescriptionChanged', (event) => topology.update(event.newDescription));
  client.on('commandSucceeded', (event) => {
    if (event.commandName === 'find') findAddresses.push(event.address);
  });
  await client.connect();
  const coll = client.db('rsm-drivers').collection('docs');
  return {
    servers: topology.servers,
    topologyType: topology.type,
    findAddresses,
    insert: async (document) => {
      await coll.insertOne({ ...document });
    },
    findOnSecondary: () => coll.find({}, { readPreference: 'secondary', projection: { _id: 0 } }).toArray(),
    admin: (command) => client.db('admin').command(command),
    close: () => client.close(),
  };
}

const officialDriver = (uri: string): Promise<DriverHandle> => connectDriver(new MongoClient(uri, { serverSelectionTimeoutMS: 5000, monitorCommands: true }));
const mongroveDriver = (uri: string): Promise<DriverHandle> => connectDriver(new Client(uri, { serverSelectionTimeoutMS: 5000 }));

async function eventually(check: () => boolean, timeoutMS = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const primaryOf = (driver: DriverHandle): string | undefined => [...driver.servers()].find(([, type]) => type === 'RSPrimary')?.[0];

describe.each([
  ['official driver', officialDriver],
  ['mongrove driver', mongroveDriver],
])('three-member embedded replica set with the %s', (_name, connect) => {
  let server: MemoryServer;
  let hosts: string[];
  let driver: DriverHandle;

  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rs0', members: 3 });
    hosts = server.memberAddresses.map(hostString);
    driver = await connect(server.uri);
  });

  afterAll(async () => {
    await driver.close();
    await server.stop();
  });

  it('discovers all three members, one primary and two secondaries', async () => {
    await eventually(() => driver.servers().size === 3 && [...driver.servers().values()].every((type) => type === 'RSPrimary' || type === 'RSSecondary'));
    expect(driver.topologyType()).toBe('ReplicaSetWithPrimary');
    expect([...driver.servers().keys()].sort()).toEqual([...hosts].sort());
    expect([...driver.servers().values()].sort()).toEqual(['RSPrimary', 'RSSecondary', 'RSSecondary']);
  });

  it('reads from a secondary what was written to the primary', async () => {
    await driver.insert({ n: 1 });
    expect(await driver.findOnSecondary()).toEqual([{ n: 1 }]);
    const readFrom = driver.findAddresses.at(-1);
    expect(readFrom).toBeDefined();
    expect(driver.servers().get(readFrom ?? '')).toBe('RSSecondary');
  });

  it('follows a replSetStepDown to the new primary', async () => {
    const oldPrimary = primaryOf(driver);
    expect(oldPrimary).toBeDefined();
    await driver.admin({ replSetStepDown: 30, secondaryCatchUpPeriodSecs: 10 });
    await eventually(() => {
      const primary = primaryOf(driver);
      return primary !== undefined && primary !== oldPrimary;
    });
    expect(driver.servers().get(oldPrimary ?? '')).toBe('RSSecondary');
    await driver.insert({ n: 2 });
    expect(await driver.findOnSecondary()).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
