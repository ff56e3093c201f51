// The special test operations (object: testRunner).
import { ConnectionString } from 'mongodb-connection-string-url';
import type { Document } from '../../src/bson.js';
import { InvalidArgumentsError, UnsupportedOperationError, type ClientHandle } from './adapter.js';
import { show } from './bson-values.js';
import type { TestContext } from './context.js';
import { createEntity } from './create-entities.js';
import { eventMatches } from './events.js';
import { runLoop } from './loop.js';
import { assertMatches } from './matcher.js';
import type { EntitySpec, ExpectedEvent, Operation } from './model.js';
import { assertTopologyType, recordTopologyDescription, waitForPrimaryChange } from './topology-ops.js';

const WAIT_LIMIT_MS = 10_000;

function arg<T>(op: Operation, key: string, type: 'string' | 'number' | 'object'): T {
  const value = op.arguments?.[key];
  const ok = type === 'object' ? typeof value === 'object' && value !== null : typeof value === type;
  if (!ok) throw new InvalidArgumentsError(op.name, `argument "${key}" must be a ${type}, got ${show(value)}`);
  return value as T;
}

async function adminCommand(client: ClientHandle, command: Document): Promise<Document> {
  return (await client.database('admin').run('runCommand', { command, commandName: Object.keys(command)[0] })) as Document;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function collectionNames(ctx: TestContext, db: string): Promise<string[]> {
  return (await ctx.env.internal.database(db).run('listCollectionNames', {})) as string[];
}

async function indexNames(ctx: TestContext, db: string, coll: string): Promise<string[]> {
  try {
    return (await ctx.env.internal.database(db).collection(coll).run('listIndexNames', {})) as string[];
  } catch {
    return [];
  }
}

function lastTwoLsids(ctx: TestContext, op: Operation): [unknown, unknown] {
  const started = ctx.entities.client(arg(op, 'client', 'string')).events.filter((e) => e.name === 'commandStartedEvent');
  if (started.length < 2) throw new Error(`${op.name}: fewer than two commandStartedEvents observed`);
  const [a, b] = started.slice(-2).map((e) => e.command?.lsid);
  if (a === undefined || b === undefined) throw new Error(`${op.name}: one of the last two commands has no lsid`);
  return [a, b];
}

async function countMatching(ctx: TestContext, op: Operation): Promise<{ count: number; wanted: number; event: ExpectedEvent }> {
  const client = ctx.entities.client(arg(op, 'client', 'string'));
  const event = arg<ExpectedEvent>(op, 'event', 'object');
  const wanted = arg<number>(op, 'count', 'number');
  return { count: client.events.filter((e) => eventMatches(event, e, ctx.match)).length, wanted, event };
}

export async function runSpecialOperation(ctx: TestContext, op: Operation): Promise<void> {
  const entities = ctx.entities;
  switch (op.name) {
    case 'failPoint': {
      const client = entities.client(arg(op, 'client', 'string')).handle;
      const failPoint = arg<Document>(op, 'failPoint', 'object');
      await adminCommand(client, failPoint);
      ctx.failPoints.push({ name: String(failPoint.configureFailPoint), client, ownsClient: false });
      return;
    }
    case 'targetedFailPoint': {
      const session = entities.session(arg(op, 'session', 'string'));
      const failPoint = arg<Document>(op, 'failPoint', 'object');
      const address = session.pinnedAddress();
      if (!address) throw new Error('targetedFailPoint: the session is not pinned to a mongos');
      const cs = new ConnectionString(ctx.env.uri);
      cs.hosts = [address];
      cs.searchParams.delete('replicaSet');
      cs.searchParams.delete('loadBalanced');
      cs.searchParams.set('directConnection', 'true');
      const client = await ctx.env.adapter.createClient({ uri: cs.toString(), onEvent: () => {} });
      ctx.failPoints.push({ name: String(failPoint.configureFailPoint), client, ownsClient: true });
      await adminCommand(client, failPoint);
      return;
    }
    case 'assertSessionTransactionState': {
      const state = entities.session(arg(op, 'session', 'string')).transactionState();
      if (state !== arg(op, 'state', 'string')) throw new Error(`expected transaction state ${String(op.arguments?.state)} but was ${state}`);
      return;
    }
    case 'assertSessionPinned':
    case 'assertSessionUnpinned': {
      const pinned = entities.session(arg(op, 'session', 'string')).isPinned();
      if (pinned !== (op.name === 'assertSessionPinned')) throw new Error(`expected the session to be ${pinned ? 'unpinned' : 'pinned'}`);
      return;
    }
    case 'assertSessionDirty':
    case 'assertSessionNotDirty': {
      const dirty = entities.session(arg(op, 'session', 'string')).isDirty();
      if (dirty !== (op.name === 'assertSessionDirty')) throw new Error(`expected the session to be ${dirty ? 'not dirty' : 'dirty'}`);
      return;
    }
    case 'assertSameLsidOnLastTwoCommands': {
      const [a, b] = lastTwoLsids(ctx, op);
      assertMatches(a, b, { root: false, path: '$.lsid' });
      return;
    }
    case 'assertDifferentLsidOnLastTwoCommands': {
      const [a, b] = lastTwoLsids(ctx, op);
      if (show(a) === show(b)) throw new Error(`expected different lsids on the last two commands, both were ${show(a)}`);
      return;
    }
    case 'assertCollectionExists':
    case 'assertCollectionNotExists': {
      const db = arg<string>(op, 'databaseName', 'string');
      const coll = arg<string>(op, 'collectionName', 'string');
      const exists = (await collectionNames(ctx, db)).includes(coll);
      if (exists !== (op.name === 'assertCollectionExists')) throw new Error(`expected collection ${db}.${coll} ${exists ? 'not ' : ''}to exist`);
      return;
    }
    case 'assertIndexExists':
    case 'assertIndexNotExists': {
      const db = arg<string>(op, 'databaseName', 'string');
      const coll = arg<string>(op, 'collectionName', 'string');
      const index = arg<string>(op, 'indexName', 'string');
      const exists = (await indexNames(ctx, db, coll)).includes(index);
      if (exists !== (op.name === 'assertIndexExists')) throw new Error(`expected index ${index} on ${db}.${coll} ${exists ? 'not ' : ''}to exist`);
      return;
    }
    case 'createEntities':
      for (const spec of arg<EntitySpec[]>(op, 'entities', 'object')) await createEntity(ctx, spec);
      return;
    case 'assertNumberConnectionsCheckedOut': {
      const client = entities.client(arg(op, 'client', 'string'));
      const expected = arg<number>(op, 'connections', 'number');
      if (client.checkedOut !== expected) throw new Error(`expected ${expected} connections checked out but there are ${client.checkedOut}`);
      return;
    }
    case 'runOnThread': {
      const thread = entities.of(arg(op, 'thread', 'string'), 'thread');
      const inner = arg<Operation>(op, 'operation', 'object');
      thread.tail = thread.tail.then(async () => {
        if (thread.error !== undefined) return;
        try {
          await ctx.execute(inner);
        } catch (e) {
          thread.error = e;
        }
      });
      return;
    }
    case 'waitForThread': {
      const name = arg<string>(op, 'thread', 'string');
      const thread = entities.of(name, 'thread');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), WAIT_LIMIT_MS);
      });
      const outcome = await Promise.race([thread.tail.then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') throw new Error(`waitForThread: thread ${name} did not finish within ${WAIT_LIMIT_MS} ms`);
      if (thread.error !== undefined) {
        const message = thread.error instanceof Error ? thread.error.message : String(thread.error);
        throw new Error(`thread ${name} failed: ${message}`, { cause: thread.error });
      }
      return;
    }
    case 'waitForEvent': {
      const deadline = Date.now() + WAIT_LIMIT_MS;
      for (;;) {
        const { count, wanted, event } = await countMatching(ctx, op);
        if (count >= wanted) return;
        if (Date.now() > deadline) throw new Error(`waitForEvent: saw ${count} of ${wanted} ${Object.keys(event)[0]} within ${WAIT_LIMIT_MS} ms`);
        await sleep(10);
      }
    }
    case 'assertEventCount': {
      const { count, wanted, event } = await countMatching(ctx, op);
      if (count !== wanted) throw new Error(`expected ${wanted} ${Object.keys(event)[0]} events but saw ${count}`);
      return;
    }
    case 'wait':
      await sleep(arg<number>(op, 'ms', 'number'));
      return;
    case 'recordTopologyDescription':
      return recordTopologyDescription(ctx, op);
    case 'assertTopologyType':
      return assertTopologyType(ctx, op);
    case 'waitForPrimaryChange':
      return waitForPrimaryChange(ctx, op);
    case 'loop':
      return runLoop(ctx, op);
    default:
      throw new UnsupportedOperationError('testRunner', op.name);
  }
}
