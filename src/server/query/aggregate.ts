// Aggregation pipelines. Stages whose semantics depend on BSON order and
// equality ($match, $sort, $lookup, …) and stages that touch storage ($out,
// $merge, $documents, $facet recursion) run here; the rest go to mingo.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { Storage } from '../storage/storage.js';
import { copyDocument } from '../storage/values.js';
import { isPlainDocument, toNumber } from './bson-types.js';
import { valueKey } from './compare.js';
import { compileFilter } from './matcher.js';
import { mingoAggregate } from './mingo-bridge.js';
import { pathValuesForKeys } from './paths.js';
import { sortDocuments } from './sort.js';
import { mergeInto, outTo } from './aggregate-writes.js';
import { readableCollection } from './views.js';
import { searchNotEnabled } from '../search-not-enabled.js';
import { runGeoNear } from './geo/geo-near-stage.js';
import { attachMeta, detachMeta, mentionsMeta, rewriteMetaStages } from './meta-stages.js';
import { matchStageFilter } from './special-filters.js';

export interface AggregateEnv {
  storage: Storage;
  dbName: string;
  variables?: Document;
  /** The command's collation document ($match, $sort and mingo's string comparisons). */
  collation?: unknown;
  /**
   * The source collection's indexes and namespace, for a first-stage $match with
   * $text and for $geoNear. Sub-pipelines ($lookup, $facet, …) run without them.
   */
  indexes?: readonly Document[];
  ns?: string;
}

const MINGO_STAGES = new Set([
  '$project', '$addFields', '$set', '$unset', '$group', '$unwind', '$replaceRoot', '$replaceWith', '$bucket',
  '$bucketAuto', '$redact', '$sample', '$setWindowFields', '$densify', '$fill', '$graphLookup',
]);

function stageName(stage: Document): string {
  const keys = Object.keys(stage);
  if (keys.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
  return keys[0] as string;
}

function nonNegative(stage: string, value: unknown): number {
  const n = toNumber(value);
  if (!Number.isInteger(n) || n < 0) throw new CommandError(ErrorCodes.BadValue, `invalid argument to ${stage} stage: Expected a non-negative number`);
  return n;
}

function lookup(docs: Document[], spec: Document, env: AggregateEnv): Document[] {
  const from = typeof spec.from === 'string' ? spec.from : isPlainDocument(spec.from) ? String(spec.from.coll) : '';
  const fromDb = isPlainDocument(spec.from) && typeof spec.from.db === 'string' ? spec.from.db : env.dbName;
  const foreign = readableCollection(env.storage, fromDb, from)?.documents() ?? [];
  const as = String(spec.as);
  const pipeline = Array.isArray(spec.pipeline) ? (spec.pipeline as Document[]) : undefined;
  return docs.map((doc) => {
    let matched = foreign;
    if (typeof spec.localField === 'string' && typeof spec.foreignField === 'string') {
      const local = new Set(pathValuesForKeys(doc, spec.localField).map(valueKey));
      const foreignField = spec.foreignField;
      matched = foreign.filter((f) => pathValuesForKeys(f, foreignField).some((v) => local.has(valueKey(v))));
    }
    if (pipeline) {
      let variables = env.variables;
      if (isPlainDocument(spec.let) && Object.keys(spec.let).length > 0) {
        // $replaceWith evaluates each value as an expression ($project would read 1 as an inclusion).
        const [values] = mingoAggregate([doc], [{ $replaceWith: spec.let }], { variables: env.variables });
        variables = { ...env.variables, ...values };
      }
      matched = runPipeline(matched.map(copyDocument), pipeline, { ...env, variables });
    }
    return { ...doc, [as]: matched.map(copyDocument) };
  });
}

/** $unionWith: 'coll' or { coll, pipeline }: the other collection's documents (through its own pipeline) after these. */
function unionWith(docs: Document[], spec: unknown, env: AggregateEnv): Document[] {
  const coll = typeof spec === 'string' ? spec : isPlainDocument(spec) && typeof spec.coll === 'string' ? spec.coll : undefined;
  const pipeline = isPlainDocument(spec) && Array.isArray(spec.pipeline) ? (spec.pipeline as Document[]) : [];
  if (coll === undefined) {
    // 8.0 allows { pipeline } alone when it starts with $documents.
    if (pipeline.length === 0) throw new CommandError(ErrorCodes.FailedToParse, "$unionWith requires 'coll' (a string) or a pipeline starting with $documents");
    return docs.concat(runPipeline([], pipeline, env));
  }
  const other = readableCollection(env.storage, env.dbName, coll)?.documents() ?? [];
  return docs.concat(runPipeline(other, pipeline, env));
}

function facet(docs: Document[], spec: Document, env: AggregateEnv): Document[] {
  const out: Document = {};
  for (const [name, sub] of Object.entries(spec)) {
    if (!Array.isArray(sub)) throw new CommandError(40170, 'arguments to $facet must be arrays');
    out[name] = runPipeline(docs.map(copyDocument), sub as Document[], env);
  }
  return [out];
}

/** Runs `pipeline` over `docs` (which the caller already copied). */
export function runPipeline(docs: Document[], pipeline: Document[], outerEnv: AggregateEnv): Document[] {
  const { indexes: collectionIndexes, ns = outerEnv.dbName, ...rest } = outerEnv;
  const env: AggregateEnv = rest;
  const usesMeta = mentionsMeta(pipeline);
  let current = docs;
  let batch: Document[] = [];
  // $graphLookup reads other collections through mingo's resolver (views resolved as reads are).
  const collectionResolver = (name: string): Document[] => readableCollection(env.storage, env.dbName, name)?.documents() ?? [];
  const mingoOptions = { variables: env.variables, collation: env.collation, collectionResolver };
  const flush = (): void => {
    if (batch.length > 0 && usesMeta) current = detachMeta(mingoAggregate(attachMeta(current), rewriteMetaStages(batch), mingoOptions));
    else if (batch.length > 0) current = mingoAggregate(current, batch, mingoOptions);
    batch = [];
  };
  pipeline.forEach((stage, index) => {
    if (!isPlainDocument(stage)) throw new CommandError(ErrorCodes.TypeMismatch, 'Each element of the \'pipeline\' array must be an object');
    const name = stageName(stage);
    const arg = stage[name];
    if (MINGO_STAGES.has(name)) {
      batch.push(stage);
      return;
    }
    flush();
    switch (name) {
      case '$match': {
        const filter = matchStageFilter(arg, index);
        const test = compileFilter(filter, { variables: env.variables, collation: env.collation, indexes: index === 0 ? (collectionIndexes ?? []) : [] });
        current = current.filter((d) => test(d));
        break;
      }
      case '$geoNear': {
        if (index !== 0) throw new CommandError(40602, '$geoNear is only valid as the first stage in a pipeline');
        current = runGeoNear(current, arg, { indexes: collectionIndexes, ns, variables: env.variables, collation: env.collation });
        break;
      }
      case '$sort': current = sortDocuments(current, arg, env.collation); break;
      case '$skip': current = current.slice(nonNegative(name, arg)); break;
      case '$limit': {
        const n = nonNegative(name, arg);
        if (n === 0) throw new CommandError(15958, 'the limit must be positive');
        current = current.slice(0, n);
        break;
      }
      case '$count': {
        if (typeof arg !== 'string' || arg === '') throw new CommandError(40156, 'the count field must be a non-empty string');
        current = current.length === 0 ? [] : [{ [arg]: current.length }];
        break;
      }
      case '$sortByCount': {
        current = mingoAggregate(current, [{ $group: { _id: arg, count: { $sum: 1 } } }], mingoOptions);
        current = sortDocuments(current, { count: -1 }, env.collation);
        break;
      }
      case '$lookup': current = lookup(current, arg as Document, env); break;
      case '$facet': current = facet(current, arg as Document, env); break;
      case '$unionWith': current = unionWith(current, arg, env); break;
      case '$documents': {
        if (index !== 0) throw new CommandError(ErrorCodes.Location40324, '$documents is only valid as the first stage in a pipeline');
        const [evaluated] = mingoAggregate([{}], [{ $project: { _id: 0, docs: arg } }], { variables: env.variables });
        const list: unknown = evaluated?.docs;
        current = Array.isArray(list) ? (list.filter(isPlainDocument) as Document[]) : [];
        break;
      }
      case '$out': case '$merge': {
        if (index !== pipeline.length - 1) throw new CommandError(40601, `${name} can only be the final stage in the pipeline`);
        if (name === '$out') outTo(current, arg, env);
        else mergeInto(current, arg, env);
        current = [];
        break;
      }
      case '$listSearchIndexes': throw searchNotEnabled();
      case '$collStats': case '$indexStats': case '$currentOp': case '$listSessions': case '$changeStream':
        throw new CommandError(ErrorCodes.NotImplemented, `${name} is not supported by the embedded server`);
      default:
        throw new CommandError(ErrorCodes.Location40324, `Unrecognized pipeline stage name: '${name}'`);
    }
  });
  flush();
  return current;
}
