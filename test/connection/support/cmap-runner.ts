// Runs one CMAP cmap-format test file (connection-monitoring-and-pooling/tests/cmap-format/README.md)
// against a ConnectionPool: threads are concurrent async tasks, events are
// captured through one EventSink and matched with the README's MATCH rules.
import { expect } from 'vitest';
import { ConnectionPool } from '../../../src/connection/pool/pool.js';
import type { ConnectionFactory, ConnectionPoolOptions, PoolableConnection } from '../../../src/connection/pool/options.js';
import type { CmapEventMap, CmapEventName } from '../../../src/monitoring/cmap-events.js';
import { EventSink } from '../../../src/monitoring/event-sink.js';

export interface CmapOperation {
  name: string;
  thread?: string;
  target?: string;
  ms?: number;
  event?: string;
  count?: number;
  timeout?: number;
  label?: string;
  connection?: string;
  interruptInUseConnections?: boolean;
}

export interface CmapTestFile {
  version: number;
  style: 'unit' | 'integration';
  description: string;
  poolOptions?: Record<string, unknown>;
  operations: CmapOperation[];
  error?: { type: string; message?: string; address?: unknown };
  events: Record<string, unknown>[];
  ignore?: string[];
  failPoint?: Record<string, unknown>;
  runOn?: unknown[];
}

export interface CmapRunContext<C extends PoolableConnection> {
  address: string;
  connect: ConnectionFactory<C>;
  /** Pool options besides the file's poolOptions (e.g. appName handled by the factory). */
  onBackgroundError?: (pool: ConnectionPool<C>, error: Error) => void;
}

interface RecordedEvent {
  type: string;
  [field: string]: unknown;
}

/** ConnectionPoolCreated etc.: the spec's type names from our event names. */
function specTypeOf(name: CmapEventName): string {
  const capitalized = name[0].toUpperCase() + name.slice(1);
  return capitalized;
}

const DEFAULT_WAIT_FOR_EVENT_MS = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class Thread {
  private chain: Promise<void> = Promise.resolve();
  error: unknown;
  schedule(work: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.error !== undefined) return;
      try {
        await work();
      } catch (error) {
        this.error = error;
      }
    });
  }
  async join(): Promise<void> {
    await this.chain;
    if (this.error !== undefined) throw this.error;
  }
  settled(): Promise<void> {
    return this.chain;
  }
}

function poolOptionsOf(file: CmapTestFile): ConnectionPoolOptions {
  const out: ConnectionPoolOptions = {};
  const given = file.poolOptions ?? {};
  for (const [key, value] of Object.entries(given)) {
    if (key === 'appName') continue; // used by the integration factory, not a pool option
    if (key === 'backgroundThreadIntervalMS') out.backgroundIntervalMS = value as number;
    else (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** The README's MATCH: expected is a subset of actual; 42 / "42" mean "any value present". */
export function assertMatches(actual: unknown, expected: unknown, path: string): void {
  if (expected === 42 || expected === '42') {
    expect(actual, `${path} should exist`).not.toBeUndefined();
    expect(actual, `${path} should exist`).not.toBeNull();
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} should be an array`).toBe(true);
    expected.forEach((value, index) => assertMatches((actual as unknown[])[index], value, `${path}[${index}]`));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, `${path} should be an object`).toBe(true);
    for (const [key, value] of Object.entries(expected)) {
      assertMatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** Our events carry durations as durationMS; the spec files say duration. */
function specView(name: CmapEventName, event: CmapEventMap[CmapEventName]): RecordedEvent {
  const out: RecordedEvent = { type: specTypeOf(name) };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'name') continue;
    out[key === 'durationMS' ? 'duration' : key] = value;
  }
  return out;
}

export async function runCmapFile<C extends PoolableConnection>(file: CmapTestFile, context: CmapRunContext<C>): Promise<void> {
  const sink = new EventSink<CmapEventMap>();
  const events: RecordedEvent[] = [];
  sink.onAny((name, event) => events.push(specView(name, event)));

  let pool: ConnectionPool<C> | undefined;
  pool = new ConnectionPool<C>({
    address: context.address,
    options: poolOptionsOf(file),
    connect: context.connect,
    events: sink,
    onBackgroundError: (error) => {
      if (pool !== undefined) context.onBackgroundError?.(pool, error);
    },
  });
  const threads = new Map<string, Thread>();
  const labels = new Map<string, C>();
  let mainError: unknown;

  const count = (type: string): number => events.filter((e) => e.type === type).length;

  const execute = async (op: CmapOperation): Promise<void> => {
    const p = pool;
    if (p === undefined) throw new Error('pool missing');
    switch (op.name) {
      case 'start':
        threads.set(String(op.target), new Thread());
        return;
      case 'wait':
        await sleep(op.ms ?? 0);
        return;
      case 'waitForThread': {
        const thread = threads.get(String(op.target));
        if (thread === undefined) throw new Error(`unknown thread ${String(op.target)}`);
        await thread.join();
        return;
      }
      case 'waitForEvent': {
        const limit = op.timeout ?? DEFAULT_WAIT_FOR_EVENT_MS;
        const started = Date.now();
        while (count(String(op.event)) < (op.count ?? 1)) {
          if (Date.now() - started > limit) {
            throw new Error(`timed out after ${limit} ms waiting for ${op.count} ${op.event} events (saw ${count(String(op.event))})`);
          }
          await sleep(5);
        }
        return;
      }
      case 'checkOut': {
        const conn = await p.checkOut();
        if (op.label !== undefined) labels.set(op.label, conn);
        return;
      }
      case 'checkIn': {
        const conn = labels.get(String(op.connection));
        if (conn === undefined) throw new Error(`unknown connection label ${String(op.connection)}`);
        p.checkIn(conn);
        return;
      }
      case 'clear':
        p.clear({ interruptInUseConnections: op.interruptInUseConnections ?? false });
        return;
      case 'close':
        p.close();
        return;
      case 'ready':
        p.ready();
        return;
      default:
        throw new Error(`unsupported CMAP operation ${op.name}`);
    }
  };

  try {
    for (const op of file.operations) {
      if (op.thread !== undefined) {
        const thread = threads.get(op.thread);
        if (thread === undefined) throw new Error(`operation on unknown thread ${op.thread}`);
        thread.schedule(() => execute(op));
        continue;
      }
      try {
        await execute(op);
      } catch (error) {
        mainError = error;
        break;
      }
    }
    await sleep(0);

    if (file.error !== undefined) {
      expect(mainError, `expected a ${file.error.type}`).toBeInstanceOf(Error);
      const error = mainError as Error;
      expect(error.name).toBe(`Mongo${file.error.type}`);
      // Our messages start with the spec's text and append diagnostics (address, counts).
      if (file.error.message !== undefined) expect(error.message.startsWith(file.error.message), error.message).toBe(true);
    } else if (mainError !== undefined) {
      throw mainError;
    }

    const ignore = new Set(file.ignore ?? []);
    const actual = events.filter((e) => !ignore.has(e.type));
    file.events.forEach((expected, index) => {
      expect(actual[index], `event #${index} (${String(expected.type)}) missing; got ${JSON.stringify(actual.map((e) => e.type))}`).toBeDefined();
      assertMatches(actual[index], expected, `events[${index}]`);
    });
  } finally {
    pool.close();
    await Promise.race([Promise.all([...threads.values()].map((t) => t.settled())), sleep(1000)]);
    pool = undefined;
  }
}
