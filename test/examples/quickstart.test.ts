// README's first command must keep working: the quickstart runs to its end against
// the embedded server and shows each part of the tour.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run quickstart', () => {
  it('tours CRUD, cursors, bulk writes, a transaction and a change stream, then exits cleanly', async () => {
    const env = { ...process.env };
    delete env.MONGODB_URI; // always the embedded server here
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], { env, timeout: 60_000 });
    expect(stdout).toMatch(/server: embedded MemoryServer/);
    expect(stdout).toMatch(/iterated 250 documents with 4 getMore commands/);
    expect(stdout).toMatch(/inserted 2, matched 2, modified 2, deleted 1/);
    expect(stdout).toMatch(/^ {2}insert \{"_id":"[0-9a-f]{24}"\} \(txnNumber 1\)$/m);
    expect(stdout).toMatch(/^ {2}update \{"_id":"[0-9a-f]{24}"\} \(txnNumber 1\)$/m);
    expect(stdout.trimEnd().endsWith('done')).toBe(true);
  }, 90_000);
});
