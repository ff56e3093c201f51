// The server under test runs in its own process so its CPU does not share the
// client's event loop. Its first stdout line is the connection string.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '..');
const START_TIMEOUT_MS = 20_000;

export interface ServerUnderTest {
  uri: string;
  /** "external (MONGODB_URI)" or "mongrove-server pid N". */
  description: string;
  stop(): Promise<void>;
}

export async function startServer(): Promise<ServerUnderTest> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, description: 'external (MONGODB_URI)', stop: async () => {} };

  // e.g. MONGROVE_BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=.bench-data/prof" to profile the server.
  const extraFlags = (process.env.MONGROVE_BENCH_SERVER_FLAGS ?? '').split(/\s+/).filter((flag) => flag.length > 0);
  const child = spawn(process.execPath, [...extraFlags, '--import', 'tsx', 'src/server/cli.ts', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killNow = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A crash or Ctrl-C in the benchmark must not leave the server running.
  process.once('exit', killNow);
  const uri = await firstLine(child);
  return {
    uri,
    description: `mongrove-server (pid ${child.pid ?? '?'})`,
    stop: () => stopChild(child).finally(() => process.off('exit', killNow)),
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  const stdout = child.stdout;
  if (!stdout) return Promise.reject(new Error('server process has no stdout'));
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: stdout });
    const timer = setTimeout(() => fail(new Error(`server printed no connection string within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onExit = (code: number | null): void => fail(new Error(`server process exited (code ${String(code)}) before printing its connection string`));
    function fail(error: Error): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      child.kill('SIGKILL');
      reject(error);
    }
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      stdout.resume(); // keep draining so later output never blocks the server
      resolvePromise(line.trim());
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const hardKill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(hardKill);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
