// The sessions layer as the executor's hooks, through a Client on a scripted target.
import { describe, expect, it } from 'vitest';
import { Timestamp, type Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoAPIError, MongoCompatibilityError, MongoExpiredSessionError, MongoInvalidArgumentError, MongoNetworkError } from '../../src/errors.js';
import { FakeTarget, cursorResponder, type Responder } from '../crud/support/fake-target.js';

const ts = (t: number, i: number) => new Timestamp({ t, i });
const ct = (t: number, i: number) => ({ clusterTime: ts(t, i), signature: { hash: 'h', keyId: 1 } });

function clientOn(respond: Responder, serverType: 'Standalone' | 'RSPrimary' = 'Standalone', topologyType: 'Single' | 'ReplicaSetWithPrimary' = 'Single') {
  const target = new FakeTarget(respond, topologyType, [serverType]);
  const client = new Client('mongodb://host0:27017', { targetFactory: () => target });
  return { client, target, coll: client.db('db').collection('c'), bodies: () => target.sent.map((s) => s.body) };
}

const ok: Responder = () => ({ ok: 1, n: 1 });

describe('implicit sessions', () => {
  it('adds an lsid to every command and reuses the pooled session', async () => {
    const { client, coll, bodies } = clientOn(ok);
    await coll.insertOne({ _id: 1 });
    await client.db('db').command({ ping: 1 });
    const [insert, ping] = bodies();
    expect(insert.lsid).toBeDefined();
    expect(ping.lsid).toEqual(insert.lsid);
    expect(client.sessions.pool.inUse).toBe(0);
  });

  it('sends no lsid with unacknowledged writes', async () => {
    const { coll, bodies } = clientOn(ok);
    await coll.insertOne({ _id: 1 }, { writeConcern: { w: 0 } });
    expect(bodies()[0].lsid).toBeUndefined();
  });

  it('sends no lsid when the deployment does not support sessions', async () => {
    const { coll, target, bodies } = clientOn(ok);
    target.servers[0].description.logicalSessionTimeoutMinutes = null;
    await coll.insertOne({ _id: 1 });
    expect(bodies()[0].lsid).toBeUndefined();
  });

  it('keeps a cursor in its implicit session for getMore and releases it once exhausted', async () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({ _id: i }));
    const { client, coll, bodies } = clientOn(cursorResponder(docs, 2));
    const cursor = coll.find({}, { batchSize: 2 });
    await cursor.next();
    expect(client.sessions.pool.inUse).toBe(1);
    const rest = await cursor.toArray();
    expect(rest).toHaveLength(4);
    const [find, ...getMores] = bodies();
    expect(getMores.length).toBeGreaterThan(0);
    for (const g of getMores) expect(g.lsid).toEqual(find.lsid);
    expect(client.sessions.pool.inUse).toBe(0);
  });

  it('releases a cursor session when the cursor is closed early, killCursors in the same session', async () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({ _id: i }));
    const { client, coll, bodies } = clientOn(cursorResponder(docs, 2));
    const cursor = coll.find({}, { batchSize: 2 });
    await cursor.next();
    await cursor.close();
    const [find, kill] = bodies();
    expect(kill.killCursors).toBe('c');
    expect(kill.lsid).toEqual(find.lsid);
    expect(client.sessions.pool.inUse).toBe(0);
  });

  it('marks the session dirty after a network error, and drops it from the pool', async () => {
    let fail = true;
    const { client, coll, bodies } = clientOn(() => {
      if (fail) {
        fail = false;
        return new MongoNetworkError('connection reset');
      }
      return { ok: 1, n: 1 };
    });
    await expect(client.db('db').command({ ping: 1 })).rejects.toBeInstanceOf(MongoNetworkError);
    expect(client.sessions.pool.available).toBe(0);
    await coll.insertOne({ _id: 1 });
    expect(bodies()[1].lsid).not.toEqual(bodies()[0].lsid);
  });
});

describe('explicit sessions', () => {
  it('sends the session lsid, across operations and getMores', async () => {
    const docs = Array.from({ length: 3 }, (_, i) => ({ _id: i }));
    const { client, coll, bodies } = clientOn(cursorResponder(docs, 1));
    const session = client.startSession();
    await coll.find({}, { session, batchSize: 1 }).toArray();
    await coll.insertOne({ _id: 9 }, { session });
    for (const body of bodies()) expect(body.lsid).toEqual(session.id);
    expect(client.sessions.pool.inUse).toBe(1);
    await session.endSession();
    expect(client.sessions.pool.inUse).toBe(0);
  });

  it('rejects a session of another client, an ended session, and a non-session', async () => {
    const a = clientOn(ok);
    const b = clientOn(ok);
    const foreign = b.client.startSession();
    await expect(a.coll.insertOne({ _id: 1 }, { session: foreign })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    const ended = a.client.startSession();
    await ended.endSession();
    const error = await a.coll.findOne({}, { session: ended }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoExpiredSessionError);
    expect(error).toBeInstanceOf(MongoAPIError);
    await expect(a.coll.insertOne({ _id: 1 }, { session: { id: 1 } })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    expect(a.target.sent).toHaveLength(0);
  });

  it('refuses an unacknowledged write, and a deployment without sessions', async () => {
    const { client, coll, target } = clientOn(ok);
    const session = client.startSession();
    await expect(coll.insertOne({ _id: 1 }, { session, writeConcern: { w: 0 } })).rejects.toBeInstanceOf(MongoAPIError);
    target.servers[0].description.logicalSessionTimeoutMinutes = null;
    await expect(coll.insertOne({ _id: 1 }, { session })).rejects.toBeInstanceOf(MongoCompatibilityError);
  });
});

describe('cluster time gossip and causal consistency', () => {
  it('sends the highest $clusterTime seen, per client and per session', async () => {
    const times = [ct(10, 1), ct(9, 0), ct(10, 2)];
    let n = 0;
    const { client, bodies } = clientOn(() => ({ ok: 1, $clusterTime: times[n++] ?? ct(1, 1) }));
    const db = client.db('db');
    await db.command({ ping: 1 });
    await db.command({ ping: 1 });
    await db.command({ ping: 1 });
    await db.command({ ping: 1 });
    const sent = bodies().map((b) => b.$clusterTime as Document | undefined);
    expect(sent[0]).toBeUndefined();
    expect(sent[1]).toEqual(ct(10, 1));
    expect(sent[2]).toEqual(ct(10, 1)); // the older reply did not move it back
    expect(sent[3]).toEqual(ct(10, 2));
    expect(client.sessions.clusterTime).toEqual(ct(10, 2));

    const session = client.startSession();
    session.advanceClusterTime(ct(20, 0));
    await db.command({ ping: 1 }, { session });
    expect(bodies()[4].$clusterTime).toEqual(ct(20, 0));
    await db.command({ ping: 1 });
    // A session's own (possibly invalid) cluster time never leaks into other operations.
    expect(bodies()[5].$clusterTime).toEqual(ct(10, 2));
  });

  it('adds afterClusterTime to reads after the first operation of a causally consistent session', async () => {
    const { client, coll, bodies } = clientOn(() => ({ ok: 1, n: 1, operationTime: ts(7, 3), cursor: { id: 0n, ns: 'db.c', firstBatch: [] } }));
    const session = client.startSession();
    await coll.findOne({}, { session });
    await coll.findOne({}, { session, readConcern: { level: 'majority' } });
    await client.db('db').command({ find: 'c' }, { session });
    await coll.findOne({});
    const [first, second, runCommand, implicit] = bodies();
    expect(first.readConcern).toBeUndefined();
    expect(second.readConcern).toEqual({ level: 'majority', afterClusterTime: ts(7, 3) });
    expect(runCommand.readConcern).toBeUndefined();
    expect(implicit.readConcern).toBeUndefined();
    expect(session.operationTime).toEqual(ts(7, 3));

    const loose = client.startSession({ causalConsistency: false });
    loose.advanceOperationTime(ts(7, 3));
    await coll.findOne({}, { session: loose });
    expect(bodies()[4].readConcern).toBeUndefined();
  });

  it('snapshot sessions read with level snapshot, then at the first read’s atClusterTime', async () => {
    const { client, coll, bodies } = clientOn(() => ({ ok: 1, cursor: { id: 0n, ns: 'db.c', firstBatch: [], atClusterTime: ts(4, 4) } }));
    const session = client.startSession({ snapshot: true });
    await coll.findOne({}, { session });
    await coll.find({}, { session }).toArray();
    expect(bodies()[0].readConcern).toEqual({ level: 'snapshot' });
    expect(bodies()[1].readConcern).toEqual({ level: 'snapshot', atClusterTime: ts(4, 4) });
    expect(session.snapshotTime).toEqual(ts(4, 4));
  });

  it('gives retryable writes a txnNumber on replica sets, reused by the retry', async () => {
    let attempts = 0;
    const { client, coll, bodies } = clientOn(() => (attempts++ === 0 ? new MongoNetworkError('reset') : { ok: 1, n: 1 }), 'RSPrimary', 'ReplicaSetWithPrimary');
    await coll.insertOne({ _id: 1 });
    const [first, retry] = bodies();
    expect(first.txnNumber).toBeDefined();
    expect(retry.txnNumber).toEqual(first.txnNumber);
    expect(retry.lsid).toEqual(first.lsid);
    expect(client.sessions.pool.available).toBe(0); // dirty after the network error
  });
});

describe('client close', () => {
  it('ends pooled sessions with endSessions (no lsid) before closing the target', async () => {
    const { client, coll, target } = clientOn(ok);
    const s1 = client.startSession();
    const s2 = client.startSession();
    await coll.insertOne({ _id: 1 }, { session: s1 });
    await s1.endSession();
    await s2.endSession();
    await client.close();
    const end = target.sent.at(-1);
    expect(end?.db).toBe('admin');
    expect(end?.body.endSessions).toEqual([s2.id, s1.id]);
    expect(end?.body.lsid).toBeUndefined();
    expect(target.closed).toBe(true);
    expect(() => client.startSession()).toThrow(/closed/);
  });
});
