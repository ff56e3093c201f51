// The $collStats aggregation stage: one document describing a collection, with
// the sections the stage's argument asks for (storageStats, count, latencyStats).
// Sizes are the in-memory BSON sizes; there is no separate on-disk size.
import { calculateObjectSize, type Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import type { CollectionStore } from '../../storage/collection.js';

/** mongod rounds a capped collection's size up to a multiple of 256 bytes. */
const CAPPED_SIZE_GRANULARITY = 256;

export function collStatsDocument(collection: CollectionStore | undefined, ns: string, spec: unknown): Document {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new CommandError(ErrorCodes.FailedToParse, '$collStats must take a nested object but found: ' + String(spec));
  }
  const sections = spec as Document;
  const out: Document = { ns, localTime: new Date() };
  if (sections.latencyStats !== undefined) out.latencyStats = latencyStats();
  if (sections.storageStats !== undefined && collection === undefined) {
    throw new CommandError(ErrorCodes.NamespaceNotFound, `Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${ns}] not found.`);
  }
  if (sections.storageStats !== undefined) out.storageStats = storageStats(collection, sections.storageStats);
  if (sections.count !== undefined) out.count = collection?.count ?? 0;
  return out;
}

function latencyStats(): Document {
  const zero = { latency: 0, ops: 0 };
  return { reads: zero, writes: { ...zero }, commands: { ...zero }, transactions: { ...zero } };
}

function storageStats(collection: CollectionStore | undefined, spec: unknown): Document {
  const scaleValue = typeof spec === 'object' && spec !== null ? (spec as Document).scale : undefined;
  const scale = typeof scaleValue === 'number' && scaleValue >= 1 ? Math.floor(scaleValue) : 1;
  const count = collection?.count ?? 0;
  const size = collection?.dataSize ?? 0;
  const indexSizes: Document = {};
  for (const index of collection?.indexes() ?? []) indexSizes[index.name] = Math.floor(calculateObjectSize(index.key) / scale);
  const totalIndexSize = Object.values(indexSizes).reduce((sum: number, n) => sum + (n as number), 0);
  const stats: Document = {
    size: Math.floor(size / scale),
    count,
    ...(count > 0 ? { avgObjSize: Math.floor(size / count) } : {}),
    storageSize: Math.floor(size / scale),
    freeStorageSize: 0,
    capped: collection?.options.capped === true,
  };
  const options = collection?.options;
  if (options?.capped === true) {
    if (typeof options.max === 'number' && options.max > 0) stats.max = options.max;
    if (typeof options.size === 'number') stats.maxSize = Math.floor(Math.ceil(options.size / CAPPED_SIZE_GRANULARITY) * CAPPED_SIZE_GRANULARITY / scale);
  }
  Object.assign(stats, {
    nindexes: Object.keys(indexSizes).length,
    indexBuilds: [],
    totalIndexSize,
    totalSize: stats.storageSize as number + totalIndexSize,
    indexSizes,
    scaleFactor: scale,
  });
  return stats;
}
