// The deployment the unified tests run against: MONGODB_URI when set, otherwise
// one embedded MemoryServer per vitest file (started lazily, stopped after the file).
import { MemoryServer } from '../../src/server/index.js';

export interface Target {
  uri: string;
  /** "embedded" or "external". */
  origin: 'embedded' | 'external';
  stop(): Promise<void>;
}

export async function startTarget(): Promise<Target> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, origin: 'external', stop: async () => {} };
  const server = await MemoryServer.start();
  return { uri: server.uri, origin: 'embedded', stop: () => server.stop() };
}
