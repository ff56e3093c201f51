// npm run bench [-- --quick] [-- --json]
// mongrove and the official driver side by side against one server process, with ratios.
import { MongoClient } from 'mongodb';
import {
  DB,
  FULL,
  QUICK,
  describeError,
  findMany,
  findOneById,
  floorPing,
  insertMany,
  insertOneLarge,
  insertOneSmall,
  seedTweets,
  type BenchContext,
  type CaseId,
  type CaseResult,
} from './cases.js';
import { batchCensus } from './census.js';
import { loadCorpus } from './corpus.js';
import { DRIVERS, createClient, type BenchClient, type DriverName } from './drivers.js';
import { jsonReport, textReport, type RunInfo } from './report.js';
import { startServer, type ServerUnderTest } from './server-process.js';

const CASES: Record<CaseId, (ctx: BenchContext) => Promise<CaseResult>> = {
  findOneById,
  insertOneSmall,
  findMany,
  insertMany,
  insertOneLarge,
  floorPing,
};

const USAGE = `usage: npm run bench -- [--quick] [--json] [--only case,case]
cases: ${Object.keys(CASES).join(', ')}
`;

function isCaseId(name: string): name is CaseId {
  return Object.hasOwn(CASES, name);
}

interface Flags {
  quick: boolean;
  json: boolean;
  /** --only: a subset of the cases (for profiling one of them). */
  only: CaseId[];
}

function parseArgs(argv: readonly string[]): Flags {
  const flags: Flags = { quick: false, json: false, only: Object.keys(CASES).filter(isCaseId) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') flags.quick = true;
    else if (arg === '--json') flags.json = true;
    else if (arg === '--only' && argv[i + 1] !== undefined) {
      const names = argv[++i].split(',');
      const unknown = names.filter((n) => !isCaseId(n));
      if (unknown.length > 0) {
        process.stderr.write(`unknown case(s) ${unknown.join(', ')}\n${USAGE}`);
        process.exit(2);
      }
      flags.only = names.filter(isCaseId);
    } else {
      process.stderr.write(`unknown argument '${arg}'\n${USAGE}`);
      process.exit(2);
    }
  }
  return flags;
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

async function openClients(uri: string, problems: string[]): Promise<Partial<Record<DriverName, BenchClient>>> {
  const clients: Partial<Record<DriverName, BenchClient>> = {};
  for (const driver of DRIVERS) {
    try {
      const client = await createClient(driver, uri);
      await client.connect();
      clients[driver] = client;
    } catch (error) {
      problems.push(`${driver} could not be created or connected:\n${describeError(error)}`);
    }
  }
  return clients;
}

async function main(): Promise<void> {
  const flags = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const corpus = loadCorpus();
  if (corpus.source === 'generated') progress('benchmark archive not found: using generated documents of the same shape');

  const running: { server?: ServerUnderTest } = {};
  const onSignal = (): void => {
    progress('interrupted: stopping the server');
    const stopping = running.server?.stop() ?? Promise.resolve();
    void stopping.finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const server = await startServer();
  running.server = server;
  progress(`server: ${server.description} at ${server.uri}`);
  const setup = new MongoClient(server.uri);
  const problems: string[] = [];
  const clients = await openClients(server.uri, problems);
  const ctx: BenchContext = { uri: server.uri, corpus, plans: flags.quick ? QUICK : FULL, setup, clients };
  const results: CaseResult[] = [];
  const census: RunInfo['census'] = {};
  try {
    await seedTweets(ctx);
    // Each census pass costs one full find: skipped in --quick to keep the smoke run short.
    for (const driver of flags.quick ? [] : (Object.keys(clients) as DriverName[])) {
      census[driver] = await batchCensus(driver, server.uri).catch((error: unknown) => describeError(error));
    }
    for (const id of flags.only) {
      const result = await CASES[id](ctx);
      progress(`done: ${result.title}`);
      results.push(result);
    }
    await setup.db(DB).dropDatabase();
  } finally {
    for (const client of Object.values(clients)) await client.close().catch(() => undefined);
    await setup.close();
    await server.stop();
  }
  const info: RunInfo = {
    mode: flags.quick ? 'quick' : 'full',
    node: process.version,
    server: server.description,
    corpus: corpus.source === 'generated' ? 'GENERATED (benchmark archive not found)' : corpus.source,
    seconds: (performance.now() - started) / 1000,
    census,
    problems,
  };
  process.stdout.write(`${flags.json ? jsonReport(info, results) : textReport(info, results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${describeError(error)}\n`);
  process.exitCode = 1;
});
