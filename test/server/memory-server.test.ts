// MemoryServer's start/stop lifecycle and options.
import { describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { RawClient } from './support/raw-client.js';

describe('MemoryServer', () => {
  it('starts on an ephemeral loopback port and reports its URI', async () => {
    const server = await MemoryServer.start();
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
    } finally {
      await server.stop();
    }
  });

  it('stops idempotently, closing open sockets, and frees the port', async () => {
    const server = await MemoryServer.start();
    const raw = await RawClient.open(server.port);
    await Promise.all([server.stop(), server.stop()]);
    await raw.closed;
    await server.stop();
    const again = await MemoryServer.start({ port: server.port });
    expect(again.port).toBe(server.port);
    await again.stop();
  });

  it('starts several servers side by side', async () => {
    const servers = await Promise.all([MemoryServer.start(), MemoryServer.start(), MemoryServer.start()]);
    expect(new Set(servers.map((s) => s.port)).size).toBe(3);
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('rejects bad options with typed errors', async () => {
    await expect(MemoryServer.start({ port: 70_000 })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    await expect(MemoryServer.start({ port: 1.5 })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    await expect(MemoryServer.start({ host: '' })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
  });

  it('fails to start on a port already in use', async () => {
    const first = await MemoryServer.start();
    try {
      await expect(MemoryServer.start({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.stop();
    }
  });

  it('serves a user-registered command to the official driver', async () => {
    const server = await MemoryServer.start();
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000 });
    try {
      server.registerCommand({
        name: 'addNumbers',
        run: (command) => ({ sum: (command.values as number[]).reduce((a, b) => a + b, 0), db: 'unused' }),
      });
      const reply = await client.db('calc').command({ addNumbers: 1, values: [1, 2, 3] });
      expect(reply).toEqual({ sum: 6, db: 'unused', ok: 1 });
      expect(() => server.registerCommand({ name: 'addNumbers', run: () => ({}) })).toThrow(MongoInvalidArgumentError);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
