// Topology.appendMetadata (mongodb-handshake "Metadata updates after MongoClient
// initialization"): new connections carry the appended driver info, established ones
// are kept as they are, and no connection is made or closed for it.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import type { Connection } from '../../src/connection/connection.js';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { Client } from '../../src/crud/client.js';
import { EventRecorder, FAST, useCleanup } from './support.js';

const PRIMARY = { readPreference: { mode: 'primary' }, operationName: 'test' } as const;
const none = (): TimeoutContext => TimeoutContext.none();

/** The driver document the server recorded from this connection's handshake. */
async function handshakeDriver(connection: Connection): Promise<Document> {
  const reply = (await connection.command('admin', { whatsMyMetadata: 1 })).body();
  return reply.driver as Document;
}

describe('Topology.appendMetadata', () => {
  const cleanup = useCleanup();

  it('applies appended driver info to new connections only', async () => {
    const server = await cleanup.server();
    server.registerCommand({ name: 'whatsMyMetadata', run: (_command, ctx) => ({ driver: (ctx.connection.clientMetadata?.driver ?? {}) as Document }) });
    const recorder = new EventRecorder();
    const topology = cleanup.track(createTopology({ seeds: [`127.0.0.1:${server.port}`], ...FAST, serverMonitoringMode: 'poll', events: recorder.sink }));
    await topology.connect(none());
    const selected = await topology.selectServer(PRIMARY, none());
    const before = await selected.checkOut(none());
    topology.appendMetadata({ name: 'wrapper', version: '1.2.3' });
    topology.appendMetadata({ name: 'wrapper', version: '1.2.3' }); // a duplicate adds nothing
    expect(recorder.of('connectionCreated')).toHaveLength(1);
    expect(recorder.of('connectionClosed')).toHaveLength(0);
    const after = await selected.checkOut(none());
    try {
      expect((await handshakeDriver(before)).name).toBe('mongrove');
      expect(await handshakeDriver(after)).toMatchObject({ name: 'mongrove|wrapper', version: expect.stringMatching(/\|1\.2\.3$/u) });
    } finally {
      selected.checkIn(before);
      selected.checkIn(after);
    }
  });

  it('rejects driver info containing the delimiter and keeps the metadata unchanged', async () => {
    const server = await cleanup.server();
    const topology = cleanup.track(createTopology({ seeds: [`127.0.0.1:${server.port}`], ...FAST, serverMonitoringMode: 'poll' }));
    expect(() => topology.appendMetadata({ name: 'a|b' })).toThrow(MongoInvalidArgumentError);
  });
});

describe('Client.appendMetadata', () => {
  const cleanup = useCleanup();

  it('keeps info appended before the first operation for the connections the client makes later', async () => {
    const server = await cleanup.server();
    server.registerCommand({ name: 'whatsMyMetadata', run: (_command, ctx) => ({ driver: (ctx.connection.clientMetadata?.driver ?? {}) as Document }) });
    const client = new Client(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
    try {
      client.appendMetadata({ name: 'early', version: '0.1' });
      const reply = await client.db('admin').command({ whatsMyMetadata: 1 });
      expect(reply.driver).toMatchObject({ name: 'mongrove|early', version: expect.stringMatching(/\|0\.1$/u) });
      expect(() => client.appendMetadata({ name: 42 } as never)).toThrow(MongoInvalidArgumentError);
    } finally {
      await client.close();
    }
  });
});
