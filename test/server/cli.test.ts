// mongrove-server's command line, run as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { parseCliArgs } from '../../src/server/cli-args.js';

const CLI = ['--import', 'tsx', 'src/server/cli.ts'];

function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffered = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    buffered += chunk.toString();
    const newline = buffered.indexOf('\n');
    if (newline >= 0) return buffered.slice(0, newline);
  }
  throw new Error(`no line on stdout (got ${JSON.stringify(buffered)})`);
}

describe('parseCliArgs', () => {
  it('reads --port and --host in both spellings', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0 });
    expect(parseCliArgs(['--port', '27018', '--host=0.0.0.0'])).toEqual({ kind: 'serve', host: '0.0.0.0', port: 27018 });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it('rejects unknown flags and bad ports', () => {
    expect(parseCliArgs(['--verbose'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--port'])).toMatchObject({ kind: 'error', message: '--port needs a value' });
    expect(parseCliArgs(['--port', '70000'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--port', '-1'])).toMatchObject({ kind: 'error' });
  });
});

describe('mongrove-server', () => {
  it('prints its URI first, serves, and exits 0 on SIGTERM', { timeout: 20_000 }, async () => {
    const child = startCli(['--port', '0']);
    try {
      const uri = await firstLine(child);
      expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
      try {
        expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
      } finally {
        await client.close();
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints usage on stderr and exits 2 for a bad flag', { timeout: 20_000 }, async () => {
    const child = startCli(['--bogus']);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown argument '--bogus'");
    expect(stderr).toContain('Usage: mongrove-server');
  });
});
