// The collections a command outside transactions may change, so open
// transactions can keep their snapshot of them first. A superset is harmless
// (an unneeded copy); a collection left out would leak the write into a
// transaction that had not read that collection yet.
import type { Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { Storage } from '../storage/storage.js';

type Namespace = readonly [string, string];

/** Commands that change the collection their first field names. */
const SINGLE_COLLECTION_WRITES = new Set([
  'insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'create', 'drop', 'createIndexes', 'dropIndexes', 'deleteIndexes', 'collMod',
]);

function splitNamespace(ns: unknown): Namespace | undefined {
  if (typeof ns !== 'string') return undefined;
  const dot = ns.indexOf('.');
  return dot <= 0 ? undefined : [ns.slice(0, dot), ns.slice(dot + 1)];
}

/** $out / $merge's target collection, if the pipeline ends in one. */
function pipelineTarget(pipeline: unknown, dbName: string): Namespace | undefined {
  if (!Array.isArray(pipeline)) return undefined;
  const last: unknown = pipeline[pipeline.length - 1];
  if (!isPlainDocument(last)) return undefined;
  const spec: unknown = '$out' in last ? last.$out : isPlainDocument(last.$merge) ? last.$merge.into : last.$merge;
  if (typeof spec === 'string') return [dbName, spec];
  if (isPlainDocument(spec) && typeof spec.coll === 'string') return [typeof spec.db === 'string' ? spec.db : dbName, spec.coll];
  return undefined;
}

export function collectionsWrittenBy(commandName: string, body: Document, dbName: string, storage: Storage): Namespace[] {
  const first: unknown = body[Object.keys(body)[0] ?? ''];
  if (SINGLE_COLLECTION_WRITES.has(commandName)) return typeof first === 'string' ? [[dbName, first]] : [];
  switch (commandName) {
    case 'renameCollection':
      return [splitNamespace(first), splitNamespace(body.to)].filter((ns): ns is Namespace => ns !== undefined);
    case 'dropDatabase':
      return [...(storage.database(dbName)?.collections.keys() ?? [])].map((collName) => [dbName, collName]);
    case 'bulkWrite':
      return Array.isArray(body.nsInfo)
        ? body.nsInfo.map((info: unknown) => splitNamespace(isPlainDocument(info) ? info.ns : undefined)).filter((ns): ns is Namespace => ns !== undefined)
        : [];
    case 'aggregate': {
      const target = pipelineTarget(body.pipeline, dbName);
      return target === undefined ? [] : [target];
    }
    default:
      return [];
  }
}
