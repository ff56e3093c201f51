// Filter operators that need the collection's indexes: $text (a text index),
// $near / $nearSphere (a 2d or 2dsphere index on the field), and the placement
// rules mongod's query parser enforces for them.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from './bson-types.js';
import { nearDistance, noGeoIndexError, parseNear } from './geo/geo-query.js';
import { resolvePath, splitPath } from './paths.js';
import { recordNearDistance } from './query-metadata.js';
import { findTextIndex, textIndexInfo, type TextIndexInfo } from './text/text-index.js';
import { compileTextSearch } from './text/text-search.js';

type Predicate = (doc: Document) => boolean;

/** Used when the caller gave no index list (a secondary compile, e.g. for positional projection). */
const LENIENT_TEXT_INDEX: TextIndexInfo = { name: '', weights: new Map([['$**', 1]]), defaultLanguage: 'english', languageOverride: 'language' };

export function compileText(operand: unknown, indexes: readonly Document[] | undefined): Predicate {
  let info = LENIENT_TEXT_INDEX;
  if (indexes !== undefined) {
    const spec = findTextIndex(indexes);
    if (!spec) throw new CommandError(ErrorCodes.IndexNotFound, 'text index required for $text query');
    info = textIndexInfo(spec);
  }
  return compileTextSearch(operand, info);
}

function geoIndexKinds(indexes: readonly Document[], path: string): string[] {
  return indexes.flatMap((ix) => (isPlainDocument(ix.key) && (ix.key[path] === '2d' || ix.key[path] === '2dsphere') ? [String(ix.key[path])] : []));
}

/** `{ path: { $near | $nearSphere …} }`: matches within the distance bounds and records the distance. */
export function compileNearField(path: string, condition: Document, indexes: readonly Document[] | undefined): Predicate {
  const op = '$near' in condition ? '$near' : '$nearSphere';
  const query = parseNear(op, condition);
  if (indexes !== undefined) {
    const kinds = geoIndexKinds(indexes, path);
    const usable = query.geoJson ? kinds.includes('2dsphere') : kinds.length > 0;
    if (!usable) throw noGeoIndexError();
    // A legacy $near over a 2dsphere-only field measures on the sphere (radians), as mongod does.
    if (!query.geoJson && !kinds.includes('2d')) query.spherical = true;
  }
  const parts = splitPath(path);
  return (doc) => {
    let best = Infinity;
    for (const value of resolvePath(doc, parts)) {
      const candidates = Array.isArray(value) && value.some((e) => typeof e === 'object' && e !== null) ? value : [value];
      for (const c of candidates) {
        const d = nearDistance(query, c);
        if (d !== undefined && d < best) best = d;
      }
    }
    if (!(best >= query.min && best <= query.max)) return false;
    recordNearDistance(doc, best);
    return true;
  };
}

export function isNearCondition(condition: unknown): condition is Document {
  return isPlainDocument(condition) && ('$near' in condition || '$nearSphere' in condition);
}

function clauseHasText(clause: unknown): boolean {
  return isPlainDocument(clause) && ('$text' in clause || (Array.isArray(clause.$and) && clause.$and.some(clauseHasText)));
}

/**
 * mongod's placement rules: one $text per query, only under $and/$or (an $or
 * holding $text needs every other clause indexed); $near only at the top level
 * or under $and. Throws as mongod's parser/planner does.
 */
export function checkSpecialPlacement(filter: Document, indexes: readonly Document[] | undefined): void {
  let texts = 0;
  const walk = (node: Document, where: 'top' | 'or' | 'nested'): void => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$text') {
        texts++;
        if (where === 'nested') throw new CommandError(ErrorCodes.BadValue, '$text is not allowed in this context');
      } else if (key === '$and' || key === '$or' || key === '$nor') {
        if (!Array.isArray(value)) continue;
        const inner = key === '$nor' ? 'nested' : key === '$or' ? (where === 'top' || where === 'or' ? 'or' : 'nested') : where;
        for (const sub of value) if (isPlainDocument(sub)) walk(sub, inner);
        if (key === '$or' && value.some(clauseHasText)) checkIndexedOrClauses(value, indexes);
      } else if (!key.startsWith('$') && isPlainDocument(value)) {
        if (isNearCondition(value) && where !== 'top') throw new CommandError(ErrorCodes.BadValue, 'geoNear must be top-level expr');
        const nested = value.$elemMatch ?? value.$not;
        if (isPlainDocument(nested)) walk(nested, 'nested');
      }
    }
  };
  walk(filter, 'top');
  if (texts > 1) throw new CommandError(ErrorCodes.BadValue, 'Too many text expressions');
}

function checkIndexedOrClauses(clauses: unknown[], indexes: readonly Document[] | undefined): void {
  if (indexes === undefined) return;
  const leading = new Set(indexes.map((ix) => (isPlainDocument(ix.key) ? Object.keys(ix.key)[0] : undefined)));
  for (const clause of clauses) {
    if (clauseHasText(clause) || !isPlainDocument(clause)) continue;
    if (!Object.keys(clause).some((field) => leading.has(field))) {
      throw new CommandError(ErrorCodes.NoQueryExecutionPlans, 'error processing query: planner returned error :: caused by :: Failed to produce a solution for TEXT under OR - other non-TEXT clauses under OR have to be indexed as well.');
    }
  }
}

function mentions(value: unknown, keys: readonly string[]): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, keys));
  if (!isPlainDocument(value)) return false;
  return Object.entries(value).some(([k, v]) => keys.includes(k) || mentions(v, keys));
}

/** A $match stage's filter, checked for what aggregation forbids: $text past the first stage, $near anywhere. */
export function matchStageFilter(arg: unknown, stageIndex: number): Document {
  if (!isPlainDocument(arg)) throw new CommandError(15959, 'the match filter must be an expression in an object');
  if (mentions(arg, ['$near', '$nearSphere'])) throw new CommandError(ErrorCodes.BadValue, '$geoNear, $near, and $nearSphere are not allowed in this context, as these operators require sorting geospatial data. If you do not need sort, consider using $geoWithin instead.');
  if (stageIndex > 0 && mentions(arg, ['$text'])) throw new CommandError(17313, '$match with $text is only allowed as the first pipeline stage');
  return arg;
}
