// The optional real-mongod target (MONGROVE_TARGET=mongod): mongodb-memory-server-core starts a
// mongod (standalone, or the one-member replica set rs0) from a binary that is already on this
// machine. Runtime download is always off: with no binary the start fails at once with an error
// that names MONGOMS_SYSTEM_BINARY, instead of fetching 100 MB or waiting on a network.
import { MongoBinary, MongoMemoryReplSet, MongoMemoryServer } from 'mongodb-memory-server-core';
import { EMBEDDED_REPLICA_SET, TARGET_USER, type Target, type TargetOptions } from './target.js';

const RUNTIME_DOWNLOAD = 'MONGOMS_RUNTIME_DOWNLOAD';
export const SYSTEM_BINARY = 'MONGOMS_SYSTEM_BINARY';

/** failpoints (configureFailPoint) need the test commands, as in the drivers' own CI. */
const MONGOD_ARGS = ['--setParameter', 'enableTestCommands=1'];

export class MongodBinaryUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `MONGROVE_TARGET=mongod needs a mongod binary on this machine: set ${SYSTEM_BINARY} to its path ` +
        `(runtime download is disabled for the test runner). ${detail}`,
    );
    this.name = 'MongodBinaryUnavailableError';
  }
}

/** Runs fn with MONGOMS_RUNTIME_DOWNLOAD=false, restoring the caller's value afterwards. */
async function withoutDownload<T>(fn: () => Promise<T>): Promise<T> {
  const previous = process.env[RUNTIME_DOWNLOAD];
  process.env[RUNTIME_DOWNLOAD] = 'false';
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env[RUNTIME_DOWNLOAD];
    else process.env[RUNTIME_DOWNLOAD] = previous;
  }
}

/** The mongod to run: MONGOMS_SYSTEM_BINARY, else a binary in mongodb-memory-server's cache; never a download. */
export async function resolveMongodBinary(): Promise<string> {
  const configured = process.env[SYSTEM_BINARY];
  try {
    return await withoutDownload(() => MongoBinary.getPath());
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const where = configured ? `${SYSTEM_BINARY}="${configured}" is not a usable binary` : `${SYSTEM_BINARY} is not set and no cached binary was found`;
    throw new MongodBinaryUnavailableError(`${where} (${reason})`);
  }
}

function authOption(options: TargetOptions): { enable: true; customRootName: string; customRootPwd: string } | undefined {
  return options.auth === true ? { enable: true, customRootName: TARGET_USER.user, customRootPwd: TARGET_USER.pwd } : undefined;
}

export async function startMongodTarget(options: TargetOptions = {}): Promise<Target> {
  const systemBinary = await resolveMongodBinary();
  const auth = authOption(options);
  const credentials = auth ? `${encodeURIComponent(auth.customRootName)}:${encodeURIComponent(auth.customRootPwd)}@` : '';
  const withUser = (uri: string): string => uri.replace(/^mongodb:\/\//u, `mongodb://${credentials}`);
  return withoutDownload(async () => {
    if (options.topology === 'replicaset') {
      const set = await MongoMemoryReplSet.create({
        binary: { systemBinary },
        replSet: { name: EMBEDDED_REPLICA_SET, count: 1, args: MONGOD_ARGS, ...(auth ? { auth } : {}) },
      });
      return { uri: withUser(set.getUri()), origin: 'mongod', stop: async () => { await set.stop(); } };
    }
    const server = await MongoMemoryServer.create({
      binary: { systemBinary },
      instance: { args: MONGOD_ARGS },
      ...(auth ? { auth } : {}),
    });
    return { uri: withUser(server.getUri()), origin: 'mongod', stop: async () => { await server.stop(); } };
  });
}
