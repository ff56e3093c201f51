// A scripted OperationTarget for executor and cursor tests: records every command
// sent and answers from a responder function.
import type { Document } from '../../../src/bson.js';
import type { ConnectionHandle, OperationTarget, ReplyLike, SelectionCriteria, ServerHandle, ServerTypeName, TopologyTypeName } from '../../../src/crud/target.js';

export interface Sent {
  db: string;
  body: Document;
  sequences: unknown;
  server: string;
  /** Sent flagged moreToCome (w: 0): no reply was awaited. */
  unacknowledged?: true;
}

export type Responder = (body: Document, sent: Sent[]) => Document | Error | Promise<Document | Error>;

export class FakeServer implements ServerHandle {
  readonly description: { type: ServerTypeName; maxWireVersion: number; logicalSessionTimeoutMinutes: number | null };
  checkedOut = 0;
  errors: unknown[] = [];
  constructor(
    readonly address: string,
    private readonly target: FakeTarget,
    type: ServerTypeName = 'Standalone',
  ) {
    this.description = { type, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 };
  }
  async checkOut(): Promise<ConnectionHandle> {
    const failure = this.target.checkoutFailure?.(this);
    if (failure !== undefined) throw failure;
    this.checkedOut++;
    const target = this.target;
    const address = this.address;
    return {
      id: 1,
      address,
      description: { maxBsonObjectSize: 16 * 1024 * 1024, maxMessageSizeBytes: 48_000_000, maxWriteBatchSize: 100_000, maxWireVersion: 21, serverConnectionId: 77 },
      async command(db: string, body: Document, options: { sequences?: unknown }): Promise<ReplyLike> {
        const sent = { db, body, sequences: options.sequences, server: address };
        target.sent.push(sent);
        const answer = await target.respond(body, target.sent);
        if (answer instanceof Error) throw answer;
        return { body: () => answer };
      },
      async sendUnacknowledged(db: string, body: Document, options: { sequences?: unknown }): Promise<void> {
        target.sent.push({ db, body, sequences: options.sequences, server: address, unacknowledged: true });
        // No reply is read; the responder may still fail the send itself (a network error).
        const answer = await target.respond(body, target.sent);
        if (answer instanceof Error) throw answer;
      },
    };
  }
  checkIn(): void {
    this.checkedOut--;
  }
  handleError(error: unknown): void {
    this.errors.push(error);
  }
}

export class FakeTarget implements OperationTarget {
  closed = false;
  readonly sent: Sent[] = [];
  readonly selections: SelectionCriteria[] = [];
  readonly servers: FakeServer[];
  /** Makes a checkout fail (pool cleared, handshake error) before any command is sent. */
  checkoutFailure?: (server: FakeServer) => Error | undefined;
  private next = 0;
  constructor(
    public respond: Responder,
    public topologyType: TopologyTypeName = 'Single',
    serverTypes: ServerTypeName[] = ['Standalone'],
  ) {
    this.servers = serverTypes.map((type, i) => new FakeServer(`host${i}:27017`, this, type));
  }
  async connect(): Promise<void> {}
  async selectServer(criteria: SelectionCriteria): Promise<ServerHandle> {
    this.selections.push({ ...criteria, deprioritized: [...(criteria.deprioritized ?? [])] });
    const server = this.servers[this.next % this.servers.length];
    this.next++;
    return server;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export const OK: Document = { ok: 1 };

/** A responder for cursor commands: serves `docs` in batches of `batch` (getMore batchSize honoured). */
export function cursorResponder(docs: Document[], firstBatch: number, ns = 'db.c'): Responder {
  let position = 0;
  const id = 42n;
  return (body) => {
    if ('find' in body || 'aggregate' in body) {
      const batch = docs.slice(0, firstBatch);
      position = batch.length;
      return { ok: 1, cursor: { id: position >= docs.length ? 0n : id, ns, firstBatch: batch } };
    }
    if ('getMore' in body) {
      const size = typeof body.batchSize === 'number' ? body.batchSize : docs.length;
      const batch = docs.slice(position, position + size);
      position += batch.length;
      return { ok: 1, cursor: { id: position >= docs.length ? 0n : id, ns, nextBatch: batch } };
    }
    if ('killCursors' in body) return { ok: 1, cursorsKilled: [body.cursors[0]] };
    return { ok: 1 };
  };
}
