// Multi-member replica-set mode (MemoryServer.start({ replSet, members: 3 })): each member's
// identity and role in hello, what secondaries refuse, replSetStepDown / replSetFreeze and the
// election that follows, per-member failpoints, and awaitable hellos answered on a role change.
// Every command goes to one member over a raw connection, so it runs exactly where it is sent.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { MemoryServer } from '../../src/server/index.js';
import { hostString } from '../../src/server/server-runtime.js';
import { parseCliArgs } from '../../src/server/cli-args.js';
import { Binary, Long, ObjectId, type Document } from '../../src/bson.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { encodeMessage, OP_MSG, type DecodedOpMsg } from '../../src/wire/index.js';
import { RawClient } from './support/raw-client.js';
import { eventually } from '../support/eventually.js';

describe('MemoryServer multi-member replica set', () => {
  let server: MemoryServer;
  let hosts: string[];

  /** Runs one command on member `member` over a fresh raw connection (no driver reacting to errors). */
  const run = async (member: number, body: Document): Promise<Document> => {
    const raw = await RawClient.open(server.memberAddresses[member].port);
    try {
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { ...body, $db: body.$db ?? 'admin' } }));
      const [reply] = await raw.messages(1);
      return (reply as DecodedOpMsg).body();
    } finally {
      raw.close();
    }
  };
  const hello = (member: number): Promise<Document> => run(member, { hello: 1 });
  const primaryIndex = async (): Promise<number> => hosts.indexOf(String((await hello(0)).primary));

  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rs0', members: 3 });
    hosts = server.memberAddresses.map(hostString);
  });

  afterAll(async () => {
    await server.stop();
  });

  afterEach(async () => {
    for (const member of [0, 1, 2]) await run(member, { configureFailPoint: 'failCommand', mode: 'off' });
  });

  it('lists every member on its own port in the uri', () => {
    expect(new Set(hosts).size).toBe(3);
    expect(server.uri).toBe(`mongodb://${hosts.join(',')}/?replicaSet=rs0`);
  });

  it('reports each member with its own identity and role in hello', async () => {
    const replies = await Promise.all([0, 1, 2].map(hello));
    const primary = replies.findIndex((reply) => reply.isWritablePrimary === true);
    expect(primary).toBeGreaterThanOrEqual(0);
    for (const [i, reply] of replies.entries()) {
      expect(reply).toMatchObject({ hosts, setName: 'rs0', setVersion: 1, me: hosts[i], primary: hosts[primary] });
      expect(reply.isWritablePrimary).toBe(i === primary);
      expect(reply.secondary).toBe(i !== primary);
      expect(reply.electionId instanceof ObjectId).toBe(i === primary);
    }
    // Each member has its own topologyVersion process.
    const processIds = new Set(replies.map((reply) => String((reply.topologyVersion as Document).processId)));
    expect(processIds.size).toBe(3);
  });

  it('shares one data engine: a secondary reads the primary\'s write at once', async () => {
    const primary = await primaryIndex();
    const secondary = (primary + 1) % 3;
    expect((await run(primary, { insert: 'shared', documents: [{ _id: 'seen' }], $db: 'rsm' })).n).toBe(1);
    const reply = await run(secondary, { find: 'shared', filter: { _id: 'seen' }, $readPreference: { mode: 'secondaryPreferred' }, $db: 'rsm' });
    expect((reply.cursor as Document).firstBatch).toEqual([{ _id: 'seen' }]);
  });

  it('refuses writes on a secondary with NotWritablePrimary, labelled retryable for retryable writes', async () => {
    const secondary = ((await primaryIndex()) + 1) % 3;
    const plain = await run(secondary, { insert: 'c', documents: [{ a: 1 }], $db: 'rsm' });
    expect(plain.code).toBe(10107);
    expect(plain.codeName).toBe('NotWritablePrimary');
    expect(plain.topologyVersion).toEqual((await hello(secondary)).topologyVersion);
    const lsid = { id: new Binary(Buffer.alloc(16, 1), 4) };
    const retryable = await run(secondary, { insert: 'c', documents: [{ a: 1 }], lsid, txnNumber: Long.fromNumber(1), $db: 'rsm' });
    expect(retryable.code).toBe(10107);
    expect(retryable.errorLabels).toEqual(['RetryableWriteError']);
  });

  it('refuses reads on a secondary without secondaryOk (NotPrimaryNoSecondaryOk) and runs them with it', async () => {
    const secondary = ((await primaryIndex()) + 1) % 3;
    const raw = await RawClient.open(server.memberAddresses[secondary].port);
    try {
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { find: 'c', $db: 'rsm' } }));
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 2, responseTo: 0, body: { find: 'c', $readPreference: { mode: 'primary' }, $db: 'rsm' } }));
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 3, responseTo: 0, body: { find: 'c', $readPreference: { mode: 'nearest' }, $db: 'rsm' } }));
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 4, responseTo: 0, body: { ping: 1, $db: 'admin' } }));
      const replies = (await raw.messages(4)).map((message) => (message as DecodedOpMsg).body());
      expect(replies.map((reply) => reply.code)).toEqual([13435, 13435, undefined, undefined]);
      expect(replies[0].codeName).toBe('NotPrimaryNoSecondaryOk');
      expect(replies[2].ok).toBe(1);
      expect(replies[3].ok).toBe(1);
    } finally {
      raw.close();
    }
  });

  it('refuses transactions on a secondary', async () => {
    const secondary = ((await primaryIndex()) + 1) % 3;
    const lsid = { id: new Binary(Buffer.alloc(16, 2), 4) };
    const body = { find: 'c', lsid, txnNumber: Long.fromNumber(1), autocommit: false, startTransaction: true, $readPreference: { mode: 'secondary' }, $db: 'rsm' };
    const reply = await run(secondary, body);
    expect(reply.code).toBe(10107);
    expect(reply.errorLabels).toEqual(['TransientTransactionError']);
  });

  it('applies a failpoint only on the member it was configured on', async () => {
    await run(1, { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['ping'], errorCode: 91 } });
    expect((await run(0, { ping: 1 })).ok).toBe(1);
    expect((await run(2, { ping: 1 })).ok).toBe(1);
    expect((await run(1, { ping: 1 })).code).toBe(91);
  });

  it('reports the members in replSetGetStatus', async () => {
    const primary = await primaryIndex();
    const status = await run(primary, { replSetGetStatus: 1 });
    expect(status.set).toBe('rs0');
    expect(status.myState).toBe(1);
    const members = status.members as Document[];
    expect(members.map((member) => member.name)).toEqual(hosts);
    expect(members.map((member) => member.stateStr)).toEqual(hosts.map((_h, i) => (i === primary ? 'PRIMARY' : 'SECONDARY')));
    expect(members.filter((member) => member.self === true).map((member) => member.name)).toEqual([hosts[primary]]);
  });

  it('validates replSetStepDown and refuses it and writes off the primary', async () => {
    const primary = await primaryIndex();
    const secondary = (primary + 1) % 3;
    expect((await run(secondary, { replSetStepDown: 10 })).code).toBe(10107);
    expect((await run(primary, { replSetStepDown: 5, secondaryCatchUpPeriodSecs: 10 })).code).toBe(2);
    expect((await run(primary, { replSetStepDown: 'soon' })).code).toBe(14);
    expect((await run(primary, { replSetFreeze: 10 })).codeName).toBe('NotSecondary');
    expect(await primaryIndex()).toBe(primary);
  });

  it('elects an unfrozen member after replSetStepDown and bumps electionId', async () => {
    const oldPrimary = await primaryIndex();
    const before = (await hello(oldPrimary)).electionId as ObjectId;
    const frozen = (oldPrimary + 1) % 3;
    const expected = (oldPrimary + 2) % 3;
    await run(frozen, { replSetFreeze: 60 });
    await run(oldPrimary, { replSetStepDown: 30, secondaryCatchUpPeriodSecs: 30, force: false });
    const right = await hello(oldPrimary);
    expect(right.isWritablePrimary).toBe(false);
    expect(right.secondary).toBe(true);
    await eventually(async () => (await hello(expected)).isWritablePrimary === true);
    const after = await hello(expected);
    expect(after.primary).toBe(hosts[expected]);
    expect((after.electionId as ObjectId).equals(before)).toBe(false);
    expect((after.electionId as ObjectId).toHexString() > before.toHexString()).toBe(true);
    expect((await hello(frozen)).primary).toBe(hosts[expected]);
    // The old primary is now a secondary: it refuses writes; the new primary takes them.
    expect((await run(oldPrimary, { insert: 'c', documents: [{ a: 1 }], $db: 'rsm' })).code).toBe(10107);
    expect((await run(expected, { insert: 'c', documents: [{ a: 1 }], $db: 'rsm' })).n).toBe(1);
    await run(frozen, { replSetFreeze: 0 });
  });

  it('answers a waiting awaitable hello at once when the member\'s role changes', async () => {
    const primary = await primaryIndex();
    const first = await hello(primary);
    const raw = await RawClient.open(server.memberAddresses[primary].port);
    try {
      const body = { hello: 1, topologyVersion: first.topologyVersion, maxAwaitTimeMS: 20_000, $db: 'admin' };
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await run(primary, { replSetStepDown: 30 });
      // Well inside maxAwaitTimeMS: the role change itself answered the hello.
      const [reply] = await raw.messages(1, 5000);
      const answered = (reply as DecodedOpMsg).body();
      expect(answered.isWritablePrimary).toBe(false);
      expect(answered.secondary).toBe(true);
    } finally {
      raw.close();
    }
    await eventually(async () => (await primaryIndex()) >= 0);
  });
});

describe('multi-member option validation', () => {
  it('rejects bad member counts and combinations with a clear error', async () => {
    await expect(MemoryServer.start({ replSet: 'rs0', members: 0 })).rejects.toThrow(MongoInvalidArgumentError);
    await expect(MemoryServer.start({ replSet: 'rs0', members: 2.5 })).rejects.toThrow(/members must be an integer from 1 to 50/);
    await expect(MemoryServer.start({ members: 3 })).rejects.toThrow(/needs replSet/);
    await expect(MemoryServer.start({ replSet: 'rs0', members: 3, loadBalanced: true })).rejects.toThrow(/loadBalanced/);
  });

  it('keeps members: 1 the one-member set', async () => {
    const server = await MemoryServer.start({ replSet: 'rs0', members: 1 });
    try {
      expect(server.uri).toBe(`mongodb://${hostString(server.address)}/?replicaSet=rs0`);
      expect(server.memberAddresses).toEqual([server.address]);
    } finally {
      await server.stop();
    }
  });

  it('parses --members on the command line', () => {
    expect(parseCliArgs(['--replSet', 'rs0', '--members', '3'])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0, replSet: 'rs0', members: 3 });
    expect(parseCliArgs(['--replSet=rs0', '--members=1'])).toMatchObject({ kind: 'serve', members: 1 });
    expect(parseCliArgs(['--members', '3'])).toEqual({ kind: 'error', message: "--members needs --replSet NAME (the set's name)" });
    expect(parseCliArgs(['--replSet', 'rs0', '--members', '0'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--members must be an integer from 1 to 50') });
    expect(parseCliArgs(['--replSet', 'rs0', '--members', 'x'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--replSet', 'rs0', '--members'])).toEqual({ kind: 'error', message: '--members needs a value' });
  });
});
