// Which compressors this process can serve. zlib is built into Node; snappy and
// zstd are optional packages, probed once through the codec's public API (an
// encode that needs a missing package throws MongoMissingDependencyError).
import { encodeMessageAsync, OP_MSG, type CompressorName } from '../../wire/index.js';

const CANDIDATES: readonly CompressorName[] = ['snappy', 'zlib', 'zstd'];
let probe: Promise<CompressorName[]> | undefined;

async function canCompress(name: CompressorName): Promise<boolean> {
  try {
    await encodeMessageAsync({ opCode: OP_MSG, requestId: 0, responseTo: 0, body: { ping: 1 } }, { compressor: name });
    return true;
  } catch {
    return false;
  }
}

/** The compressors available here (probed on first call, then cached). */
export function availableCompressors(): Promise<CompressorName[]> {
  probe ??= (async () => {
    const usable = await Promise.all(CANDIDATES.map(canCompress));
    return CANDIDATES.filter((_, index) => usable[index]);
  })();
  return probe;
}

/** The client's compressors that we support, in the client's order (the handshake's answer). */
export async function negotiateCompressors(requested: unknown): Promise<CompressorName[]> {
  if (!Array.isArray(requested) || requested.length === 0) return [];
  const available = new Set<string>(await availableCompressors());
  const agreed: CompressorName[] = [];
  for (const name of requested) {
    if (typeof name === 'string' && available.has(name) && !agreed.includes(name as CompressorName)) agreed.push(name as CompressorName);
  }
  return agreed;
}

/** Replies to these commands are never compressed (the spec's list of handshake/auth commands). */
export const UNCOMPRESSIBLE_COMMANDS: ReadonlySet<string> = new Set([
  'hello', 'isMaster', 'ismaster', 'saslStart', 'saslContinue', 'getnonce', 'authenticate', 'createUser', 'updateUser',
  'copydbSaslStart', 'copydbgetnonce', 'copydb',
]);
