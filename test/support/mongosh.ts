// Running mongosh (a client we did not write, test-only) with a script, as tests use it: the
// script prints one EJSON line last, which is what the test reads.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MONGOSH = resolve('node_modules/.bin/mongosh');

/** Runs `script` in mongosh connected to `uri` and parses the last line it printed as JSON. */
export async function mongoshEval(uri: string, script: string): Promise<unknown> {
  const { stdout } = await run(MONGOSH, [uri, '--quiet', '--norc', '--eval', script], {
    timeout: 30_000,
    env: { ...process.env, MONGOSH_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' },
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as unknown;
}
