// The plan mongod's explain would show for a query, derived from what this server really does:
// an equality lookup through a single-field index (query/index-lookup.ts, as
// commands/data/common.ts selectRecords uses it) is FETCH over IXSCAN; a hinted index is an
// IXSCAN over that index; anything else is a COLLSCAN; a missing collection is EOF.
import type { Document } from '../../bson.js';
import { bsonTypeOf, isPlainDocument, toNumber } from '../query/bson-types.js';
import { collatorFor } from '../query/collation.js';
import { valuesEqual } from '../query/compare.js';
import { equalityKeys, lookupCandidates } from '../query/index-lookup.js';
import type { CollectionStore, IndexSpec } from '../storage/storage.js';

export interface QueryShape {
  filter?: Document;
  sort?: Document;
  hint?: unknown;
  collation?: unknown;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/** The chosen access path: which records the scan reads, and the winning plan's document. */
export interface QueryPlan {
  /** The index scanned, when one is. */
  index?: IndexSpec;
  /** Record ids an index lookup reaches (undefined: the scan reads every record or a whole index). */
  candidates?: ReadonlySet<number>;
  winningPlan: Document;
  /** The stage documents, innermost first, executionStats fills in. */
  stages: Document[];
}

/** How mongod prints one bound value inside an interval string. */
function boundText(value: unknown): string {
  switch (bsonTypeOf(value)) {
    case 'string': return JSON.stringify(value);
    case 'date': return `new Date(${(value as Date).getTime()})`;
    case 'objectId': return `ObjectId('${String((value as { toHexString(): string }).toHexString())}')`;
    case 'int': case 'long': case 'double': case 'decimal': return String(toNumber(value));
    case 'bool': return String(value);
    default: return JSON.stringify(value) ?? String(value);
  }
}

/** The point intervals an equality condition on `field` scans. */
function pointBounds(filter: Document | undefined, field: string): string[] | undefined {
  if (filter === undefined || !Object.hasOwn(filter, field)) return undefined;
  const condition: unknown = filter[field];
  const values: unknown[] = isPlainDocument(condition) && Object.keys(condition).some((k) => k.startsWith('$'))
    ? (Object.hasOwn(condition, '$eq') ? [condition.$eq] : Array.isArray(condition.$in) ? condition.$in : [])
    : [condition];
  if (values.length === 0) return undefined;
  return values.map((v) => `[${boundText(v)}, ${boundText(v)}]`);
}

/** The index spec behind a hint (name or key pattern), undefined for $natural or none. */
function hintedIndex(collection: CollectionStore, hint: unknown): IndexSpec | undefined {
  if (typeof hint === 'string' && hint !== '') return collection.indexes().find((ix) => ix.name === hint);
  if (isPlainDocument(hint) && Object.keys(hint).length > 0 && !('$natural' in hint)) return collection.indexes().find((ix) => valuesEqual(ix.key, hint));
  return undefined;
}

/**
 * The index an equality lookup on `field` goes through, as CollectionStore.lookup picks it. A hidden
 * index is left out: mongod's planner never uses one, and the lookup only narrows what is scanned.
 */
function lookupIndex(collection: CollectionStore, field: string): IndexSpec | undefined {
  return collection.indexes().find((ix) => {
    const fields = Object.keys(ix.key);
    const direction = toNumber(ix.key[field]);
    const usable = ix.sparse !== true && ix.hidden !== true && !isPlainDocument(ix.partialFilterExpression);
    return usable && fields.length === 1 && fields[0] === field && (direction === 1 || direction === -1);
  });
}

function ixscan(index: IndexSpec, filter: Document | undefined): Document {
  const indexBounds: Document = {};
  for (const [field, direction] of Object.entries(index.key)) {
    const descending = toNumber(direction) === -1;
    indexBounds[field] = pointBounds(filter, field) ?? [descending ? '[MaxKey, MinKey]' : '[MinKey, MaxKey]'];
  }
  const multiKeyPaths: Document = Object.fromEntries(Object.keys(index.key).map((field) => [field, []]));
  return {
    stage: 'IXSCAN',
    keyPattern: index.key,
    indexName: index.name,
    isMultiKey: false,
    multiKeyPaths,
    isUnique: index.unique === true || index.name === '_id_',
    isSparse: index.sparse === true,
    isPartial: isPlainDocument(index.partialFilterExpression),
    indexVersion: 2,
    direction: 'forward',
    indexBounds,
  };
}

/** The filter conditions an index scan did not answer (FETCH's filter). */
function residualFilter(filter: Document | undefined, index: IndexSpec): Document | undefined {
  if (filter === undefined) return undefined;
  const rest: Document = {};
  for (const [key, value] of Object.entries(filter)) if (!(key in index.key && pointBounds(filter, key) !== undefined)) rest[key] = value;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function naturalDirection(hint: unknown, sort: Document | undefined): 'forward' | 'backward' {
  const natural = isPlainDocument(hint) ? hint.$natural : isPlainDocument(sort) ? sort.$natural : undefined;
  return natural !== undefined && toNumber(natural) < 0 ? 'backward' : 'forward';
}

function nonEmpty(doc: Document | undefined): doc is Document {
  return doc !== undefined && Object.keys(doc).length > 0;
}

/** Wraps `input` in SORT / SKIP / LIMIT / PROJECTION stages as the query asks. */
function wrap(input: Document, stages: Document[], query: QueryShape): Document {
  let plan = input;
  const push = (stage: Document): void => {
    plan = { ...stage, inputStage: plan };
    stages.push(plan);
  };
  if (nonEmpty(query.sort) && !('$natural' in query.sort)) push({ stage: 'SORT', sortPattern: query.sort, memLimit: 104_857_600, type: 'simple' });
  if (query.skip !== undefined && query.skip > 0) push({ stage: 'SKIP', skipAmount: query.skip });
  if (query.limit !== undefined && query.limit > 0) push({ stage: 'LIMIT', limitAmount: query.limit });
  if (nonEmpty(query.projection)) push({ stage: 'PROJECTION_DEFAULT', transformBy: query.projection });
  return plan;
}

/** The plan this server follows for `query` over `collection` (undefined: the collection does not exist). */
export function planQuery(collection: CollectionStore | undefined, query: QueryShape): QueryPlan {
  if (collection === undefined) {
    const eof = { stage: 'EOF' };
    return { winningPlan: eof, stages: [eof] };
  }
  const filter = nonEmpty(query.filter) ? query.filter : undefined;
  const hinted = hintedIndex(collection, query.hint);
  const forcedScan = isPlainDocument(query.hint) && '$natural' in query.hint;
  const simpleCollation = collatorFor(query.collation ?? collection.options.collation) === undefined;
  const index = hinted ?? (!forcedScan && simpleCollation ? lookedUpIndex(collection, filter) : undefined);
  const stages: Document[] = [];
  if (index === undefined) {
    const scan: Document = { stage: 'COLLSCAN', ...(filter !== undefined ? { filter } : {}), direction: naturalDirection(query.hint, query.sort) };
    stages.push(scan);
    return { winningPlan: wrap(scan, stages, query), stages };
  }
  const scan = ixscan(index, filter);
  stages.push(scan);
  const residual = residualFilter(filter, index);
  const fetch: Document = { stage: 'FETCH', ...(residual !== undefined ? { filter: residual } : {}), inputStage: scan };
  stages.push(fetch);
  const field = Object.keys(index.key)[0] ?? '';
  const keys = equalityKeys(filter, field);
  const candidates = keys === undefined ? undefined : collection.lookup(field, keys);
  return { index, ...(candidates !== undefined ? { candidates } : {}), winningPlan: wrap(fetch, stages, query), stages };
}

/** The index selectRecords' equality lookup would use for `filter`, if any. */
function lookedUpIndex(collection: CollectionStore, filter: Document | undefined): IndexSpec | undefined {
  for (const field of lookupCandidates(filter)) {
    const keys = equalityKeys(filter, field);
    if (keys === undefined || collection.lookup(field, keys) === undefined) continue;
    const index = lookupIndex(collection, field);
    if (index !== undefined) return index;
  }
  return undefined;
}

/** mongod's parsedQuery: each condition as { field: { $op: value } }, several under $and. */
export function parsedQuery(filter: Document | undefined): Document {
  if (filter === undefined) return {};
  const parts: Document[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) parts.push({ [key]: value });
    else if (isPlainDocument(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      for (const [op, operand] of Object.entries(value)) parts.push({ [key]: { [op]: operand } });
    } else parts.push({ [key]: { $eq: value } });
  }
  if (parts.length === 1) return parts[0] ?? {};
  return parts.length === 0 ? {} : { $and: parts };
}
