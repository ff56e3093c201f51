// A scripted replica-set primary for change stream tests: aggregate and getMore replies
// come from queues the test fills; every command is recorded by the FakeTarget.
import { Long, Timestamp, type Document } from '../../src/bson.js';
import { Client } from '../../src/index.js';
import { FakeTarget } from '../crud/support/fake-target.js';

export type Scripted = Document | Error;

export const OPERATION_TIME = new Timestamp({ t: 100, i: 1 });

export function event(n: number): Document {
  return { _id: { _data: `event${n}` }, operationType: 'insert', ns: { db: 'db', coll: 'c' }, documentKey: { _id: n }, fullDocument: { _id: n } };
}

/** A cursor reply; `pbrt` undefined leaves postBatchResumeToken out. */
export function batch(kind: 'firstBatch' | 'nextBatch', docs: Document[], pbrt?: string, id = 42n, ns = 'db.c'): Document {
  const cursor: Document = { id: Long.fromBigInt(id), ns, [kind]: docs };
  if (pbrt !== undefined) cursor.postBatchResumeToken = { _data: pbrt };
  return { ok: 1, cursor, operationTime: OPERATION_TIME };
}

export function scriptedClient(aggregates: Scripted[], getMores: Scripted[]) {
  const target = new FakeTarget(
    (body) => {
      if ('aggregate' in body) return aggregates.shift() ?? batch('firstBatch', [], 'default');
      if ('getMore' in body) return getMores.shift() ?? batch('nextBatch', [], 'idle');
      if ('killCursors' in body) return { ok: 1, cursorsKilled: [body.cursors[0]] };
      return { ok: 1 };
    },
    'ReplicaSetWithPrimary',
    ['RSPrimary'],
  );
  const client = new Client('mongodb://host0:27017/?replicaSet=rs0', { targetFactory: () => target });
  const commands = () => target.sent.map((s) => Object.keys(s.body)[0]);
  const bodies = (name: string) => target.sent.filter((s) => Object.keys(s.body)[0] === name).map((s) => s.body);
  const stage = (i: number): Document => (bodies('aggregate')[i].pipeline as Document[])[0].$changeStream as Document;
  return { client, target, commands, bodies, stage };
}
