// Compression negotiation (OP_COMPRESSED spec): which compressor a connection
// uses, and which commands must never be compressed.
import type { CompressorName } from '../wire/index.js';

/** Commands whose messages MUST NOT be compressed (lower-cased: isMaster and ismaster both count). */
const NEVER_COMPRESSED: ReadonlySet<string> = new Set([
  'hello',
  'ismaster',
  'saslstart',
  'saslcontinue',
  'getnonce',
  'authenticate',
  'createuser',
  'updateuser',
  'copydbsaslstart',
  'copydbgetnonce',
  'copydb',
]);

export function mayCompress(commandName: string): boolean {
  return !NEVER_COMPRESSED.has(commandName.toLowerCase());
}

/**
 * The compressor for a connection: the first of the client's list that the
 * server's hello reply also lists; undefined when there is none in common.
 */
export function negotiateCompressor(clientList: readonly CompressorName[], serverList: unknown): CompressorName | undefined {
  if (!Array.isArray(serverList)) return undefined;
  const offered = new Set(serverList.filter((name): name is string => typeof name === 'string'));
  return clientList.find((name) => name !== 'noop' && offered.has(name)) ?? (offered.has('noop') && clientList.includes('noop') ? 'noop' : undefined);
}
