import { afterEach, describe, expect, it } from 'vitest';
import { ObjectId } from '../../src/bson.js';
import { connect, connectionFactory } from '../../src/connection/connect.js';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import {
  MongoCompatibilityError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoOperationTimeoutError,
  MongoRuntimeError,
  MongoServerError,
} from '../../src/errors.js';
import { OP_MSG } from '../../src/wire/index.js';
import { DEFAULT_HELLO, helloThen, startFakeServer, type FakeServer } from '../support/fake-mongo-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const opts = (s: FakeServer) => ({ host: '127.0.0.1', port: s.port, connectTimeoutMS: 2000 });

describe('Connection handshake', () => {
  it('sends legacy hello (isMaster + helloOk) over OP_MSG first, with client metadata, uncompressed', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } }), { compression: ['zlib'] }));
    const conn = await connect({ ...opts(server), appName: 'app1', compressors: ['zlib'] }, { id: 1 });
    const [first] = server.received;
    expect(first.opCode).toBe(OP_MSG);
    expect(first.compressed).toBe(false);
    expect(Object.keys(first.body)[0]).toBe('isMaster');
    expect(first.body).toMatchObject({ helloOk: true, backpressure: '2', compression: ['zlib'], $db: 'admin', client: { application: { name: 'app1' }, driver: { name: 'mongrove' } } });
    expect(conn.description).toMatchObject({ compressor: 'zlib', helloOk: true, serverConnectionId: 7, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 });
    conn.destroy();
  });

  it('sends hello with a Stable API version', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } })));
    const conn = await connect({ ...opts(server), serverApi: { version: '1' } }, { id: 1 });
    expect(Object.keys(server.received[0].body)[0]).toBe('hello');
    expect(server.received[0].body.apiVersion).toBe('1');
    conn.destroy();
  });

  it('compresses later commands with the negotiated compressor, never hello or saslStart', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 }, compressor: 'zlib' }), { compression: ['zlib'] }));
    const conn = await connect({ ...opts(server), compressors: ['snappy', 'zlib'] }, { id: 1 });
    expect(conn.description?.compressor).toBe('zlib');
    const reply = await conn.command('test', { ping: 1 });
    expect(reply.ok).toBe(true);
    await conn.command('admin', { saslStart: 1 });
    await conn.command('admin', { hello: 1 });
    expect(server.received.map((r) => [Object.keys(r.body)[0], r.compressed])).toEqual([
      ['isMaster', false],
      ['ping', true],
      ['saslStart', false],
      ['hello', false],
    ]);
    conn.destroy();
  });

  it('uses no compressor when the server offers none of ours', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } }), { compression: ['zstd'] }));
    const conn = await connect({ ...opts(server), compressors: ['zlib'] }, { id: 1 });
    expect(conn.description?.compressor).toBeUndefined();
    conn.destroy();
  });

  it('fails clearly on incompatible wire versions', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } }), { minWireVersion: 0, maxWireVersion: 6 }));
    await expect(connect(opts(server), { id: 1 })).rejects.toThrow(MongoCompatibilityError);
    await expect(connect(opts(server), { id: 1 })).rejects.toThrow(/requires at least 8/);
  });

  it('requires serviceId in load-balanced mode and exposes it', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } })));
    await expect(connect({ ...opts(server), loadBalanced: true }, { id: 1 })).rejects.toThrow(MongoRuntimeError);
    await server.stop();
    const serviceId = new ObjectId();
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } }), { serviceId }));
    const conn = await connect({ ...opts(server), loadBalanced: true }, { id: 1 });
    expect(conn.serviceId?.equals(serviceId)).toBe(true);
    expect(server.received[0].body.loadBalanced).toBe(true);
    conn.destroy();
  });

  it('runs the auth hook: prepare adds fields, finish sees the hello reply', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } }), { saslSupportedMechs: ['SCRAM-SHA-256', 'ARBITRARY-MECH'] }));
    let mechs: unknown;
    const conn = await connect(
      {
        ...opts(server),
        auth: {
          prepare: (doc) => {
            doc.saslSupportedMechs = 'admin.user';
          },
          finish: async (_conn, hello) => {
            mechs = hello.get('saslSupportedMechs');
          },
        },
      },
      { id: 1 },
    );
    expect(server.received[0].body.saslSupportedMechs).toBe('admin.user');
    expect(mechs).toEqual(['SCRAM-SHA-256', 'ARBITRARY-MECH']);
    conn.destroy();
  });
});

describe('Connection commands', () => {
  it('reads replies lazily: ok, cursorId, batch, body', async () => {
    server = await startFakeServer(
      helloThen(() => ({ reply: { cursor: { firstBatch: [{ a: 1 }, { a: 2 }], id: 42n, ns: 'db.c' }, ok: 1 } })),
    );
    const conn = await connect(opts(server), { id: 1 });
    const reply = await conn.command('db', { find: 'c' });
    expect(reply.ok).toBe(true);
    expect(reply.cursorId).toBe(42n);
    expect(reply.cursorNamespace).toBe('db.c');
    expect(reply.batch()).toEqual([{ a: 1 }, { a: 2 }]);
    expect(reply.body().cursor.ns).toBe('db.c');
    conn.destroy();
  });

  it('rejects { ok: 0 } with MongoServerError carrying code and labels', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 0, errmsg: 'boom', code: 11000, codeName: 'DuplicateKey', errorLabels: ['X'] } })));
    const conn = await connect(opts(server), { id: 1 });
    const error = await conn.command('db', { insert: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ message: 'boom', code: 11000, codeName: 'DuplicateKey' });
    expect((error as MongoServerError).hasErrorLabel('X')).toBe(true);
    const raw = await conn.command('db', { insert: 'c' }, { noThrow: true });
    expect(raw.ok).toBe(false);
    expect(conn.closed).toBe(false);
    conn.destroy();
  });

  it('sends kind-1 sequences, including pre-serialized ones', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1, n: 2 } })));
    const conn = await connect(opts(server), { id: 1 });
    const { serialize } = await import('../../src/bson.js');
    await conn.command('db', { insert: 'c' }, { sequences: [{ identifier: 'documents', serialized: [serialize({ _id: 1 }), serialize({ _id: 2 })] }] });
    const message = server.received[1].message;
    expect(message.opCode === OP_MSG && message.sequences[0]).toEqual({ identifier: 'documents', documents: [{ _id: 1 }, { _id: 2 }] });
    conn.destroy();
  });

  it('rejects every pending request with a MongoNetworkError naming the address when the server closes', async () => {
    server = await startFakeServer(helloThen((cmd) => (cmd.body.close === 1 ? { close: true } : { ignore: true })));
    const conn = await connect(opts(server), { id: 3 });
    const hanging = conn.command('db', { find: 'c' });
    const closing = conn.command('db', { close: 1 });
    for (const p of [hanging, closing]) {
      const error = await p.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoNetworkError);
      expect((error as Error).message).toContain(server.address);
    }
    expect(conn.closed).toBe(true);
    await expect(conn.command('db', { ping: 1 })).rejects.toThrow(/is closed/);
  });

  it('times out with MongoNetworkTimeoutError after socketTimeoutMS and closes the connection', async () => {
    server = await startFakeServer(helloThen(() => ({ ignore: true })));
    const conn = await connect({ ...opts(server), socketTimeoutMS: 50 }, { id: 1 });
    const error = await conn.command('db', { find: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoNetworkTimeoutError);
    expect((error as Error).message).toContain(server.address);
    expect(conn.closed).toBe(true);
  });

  it('honours the timeout context: deadline → MongoOperationTimeoutError, abort → the signal reason', async () => {
    server = await startFakeServer(helloThen(() => ({ ignore: true })));
    const conn = await connect(opts(server), { id: 1 });
    await expect(conn.command('db', { find: 'c' }, { timeout: TimeoutContext.create({ timeoutMS: 30 }) })).rejects.toThrow(MongoOperationTimeoutError);
    const conn2 = await connect(opts(server), { id: 2 });
    const controller = new AbortController();
    const pending = conn2.command('db', { find: 'c' }, { timeout: TimeoutContext.create({ signal: controller.signal }) });
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(conn2.closed).toBe(true);
  });

  it('sends unacknowledged writes with moreToCome and awaits no reply', async () => {
    server = await startFakeServer(helloThen(() => ({ ignore: true })));
    const conn = await connect(opts(server), { id: 1 });
    await conn.sendUnacknowledged('db', { insert: 'c', documents: [{}], writeConcern: { w: 0 } });
    await new Promise((r) => setTimeout(r, 20));
    const message = server.received[1].message;
    expect(message.opCode === OP_MSG && message.moreToCome).toBe(true);
    conn.destroy();
  });

  it('streams exhaust replies until one lacks moreToCome', async () => {
    server = await startFakeServer(
      helloThen(() => [
        { reply: { ok: 1, n: 1 }, moreToCome: true },
        { reply: { ok: 1, n: 2 }, moreToCome: true },
        { reply: { ok: 1, n: 3 } },
      ]),
    );
    const conn = await connect(opts(server), { id: 1 });
    const seen: unknown[] = [];
    for await (const reply of conn.exhaust('admin', { streamingProbe: 1 })) seen.push(reply.get('n'));
    expect(seen).toEqual([1, 2, 3]);
    const message = server.received[1].message;
    expect(message.opCode === OP_MSG && message.exhaustAllowed).toBe(true);
    expect(conn.closed).toBe(false);
    conn.destroy();
  });

  it('labels connect failures for backpressure, and names the address', async () => {
    server = await startFakeServer();
    const port = server.port;
    await server.stop();
    server = undefined;
    const error = await connect({ host: '127.0.0.1', port, connectTimeoutMS: 1000 }, { id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoNetworkError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as MongoNetworkError).hasErrorLabel('SystemOverloadedError')).toBe(true);
    expect((error as MongoNetworkError).hasErrorLabel('RetryableError')).toBe(true);
  });

  it('builds pool factories that reuse one metadata document', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } })));
    const factory = connectionFactory({ ...opts(server), appName: 'pooled' });
    const signal = new AbortController().signal;
    const a = await factory({ id: 1, address: server.address, signal });
    const b = await factory({ id: 2, address: server.address, signal });
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(server.received[0].body.client).toEqual(server.received[1].body.client);
    a.destroy();
    b.destroy();
  });

  it('handles the default hello fixture (sanity)', () => {
    expect(DEFAULT_HELLO.ok).toBe(1);
  });
});
