// CMAP spec tests (cmap-format). Unit files drive the pool with fake connections;
// integration files run against the embedded MemoryServer with its failCommand
// failpoint, through real connections (background errors clear the pool, as SDAM would).
import { afterAll, beforeAll } from 'vitest';
import { registerSpecSuite, type SpecCase } from './harness.js';
import { specFiles } from '../support/specs-dir.js';
import { runCmapFile, type CmapTestFile } from '../connection/support/cmap-runner.js';
import { fakeFactory } from '../connection/support/fake-connection.js';
import { connect, connectionFactory } from '../../src/connection/connect.js';
import type { Document } from '../../src/bson.js';
import { MemoryServer } from '../../src/server/index.js';

const SUITE = 'connection-monitoring-and-pooling';

let server: MemoryServer | undefined;
beforeAll(async () => {
  server = await MemoryServer.start();
});
afterAll(async () => {
  await server?.stop();
});

async function adminCommand(command: Document): Promise<void> {
  if (server === undefined) throw new Error('MemoryServer did not start');
  const conn = await connect({ host: server.address.host, port: server.port }, { id: 0 });
  try {
    await conn.command('admin', command);
  } finally {
    conn.destroy();
  }
}

async function runIntegration(file: CmapTestFile): Promise<void> {
  if (server === undefined) throw new Error('MemoryServer did not start');
  const { host } = server.address;
  const port = server.port;
  const appName = typeof file.poolOptions?.appName === 'string' ? file.poolOptions.appName : undefined;
  const failPoint = file.failPoint;
  if (failPoint !== undefined) await adminCommand(failPoint);
  try {
    await runCmapFile(file, {
      address: `${host}:${port}`,
      connect: connectionFactory({ host, port, appName }),
      onBackgroundError: (pool, error) => pool.clear({ cause: error }),
    });
  } finally {
    if (failPoint !== undefined) await adminCommand({ configureFailPoint: failPoint.configureFailPoint, mode: 'off' });
  }
}

const cases: SpecCase[] = specFiles<CmapTestFile>(SUITE, 'cmap-format').map((file) => ({
  file: file.name,
  name: file.content.description,
  timeout: 30_000,
  run: async () => {
    if (file.content.style === 'unit') await runCmapFile(file.content, { address: 'localhost:27017', connect: fakeFactory() });
    else await runIntegration(file.content);
  },
}));

registerSpecSuite(SUITE, cases);
