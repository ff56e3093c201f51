// The $geoNear aggregation stage: documents near a point, nearest first, each
// with its distance (meters for a GeoJSON `near`, radians for a legacy pair with
// spherical: true, coordinate units otherwise) written to `distanceField`.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument, toNumber } from '../bson-types.js';
import { compileFilter } from '../matcher.js';
import { resolvePath, splitPath } from '../paths.js';
import { recordNearDistance } from '../query-metadata.js';
import { nearDistance, type NearQuery } from './geo-query.js';
import { badGeoQuery, isGeoJson, legacyPoint, parseGeoJson } from './geometry.js';

export interface GeoNearEnv {
  indexes: readonly Document[] | undefined;
  ns: string;
  variables?: Document;
  collation?: unknown;
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = splitPath(path);
  let target: Document = doc;
  parts.slice(0, -1).forEach((part) => {
    const next: unknown = target[part];
    if (!isPlainDocument(next)) target[part] = {};
    target = target[part] as Document;
  });
  target[parts[parts.length - 1] as string] = value;
}

function geoFields(indexes: readonly Document[]): Array<{ path: string; kind: string }> {
  const out: Array<{ path: string; kind: string }> = [];
  for (const ix of indexes) {
    if (!isPlainDocument(ix.key)) continue;
    for (const [path, kind] of Object.entries(ix.key)) if (kind === '2d' || kind === '2dsphere') out.push({ path, kind: String(kind) });
  }
  return out;
}

/** The geo field $geoNear reads: `key`, else the single 2d index, else the single 2dsphere index. */
function chooseField(spec: Document, env: GeoNearEnv): { path: string; kind: string } {
  const fields = geoFields(env.indexes ?? []);
  if (fields.length === 0) throw new CommandError(ErrorCodes.IndexNotFound, '$geoNear requires a 2d or 2dsphere index, but none were found');
  if (spec.key !== undefined) {
    if (typeof spec.key !== 'string' || spec.key === '') throw new CommandError(ErrorCodes.BadValue, `$geoNear parameter 'key' must be of type string but found type: ${typeof spec.key}`);
    const found = fields.find((f) => f.path === spec.key);
    if (!found) throw new CommandError(ErrorCodes.IndexNotFound, `No index found for $geoNear key '${spec.key}' on ${env.ns}`);
    return found;
  }
  for (const kind of ['2d', '2dsphere']) {
    const ofKind = fields.filter((f) => f.kind === kind);
    if (ofKind.length > 1) throw new CommandError(ErrorCodes.IndexNotFound, `There is more than one ${kind} index on ${env.ns}; unsure which to use for $geoNear`);
    const [only] = ofKind;
    if (only) return only;
  }
  throw new CommandError(ErrorCodes.IndexNotFound, '$geoNear requires a 2d or 2dsphere index, but none were found');
}

function bound(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < 0) throw new CommandError(ErrorCodes.BadValue, `${name} must be nonnegative`);
  return n;
}

function parseNearPoint(near: unknown, spherical: boolean, kind: string): NearQuery {
  if (isGeoJson(near)) {
    let g;
    try {
      g = parseGeoJson(near);
    } catch (e) {
      throw badGeoQuery(`invalid argument in geo near query: ${(e as Error).message}`);
    }
    if (g.kind !== 'point') throw badGeoQuery('$geoNear requires a GeoJSON Point for near');
    return { point: g.point, geoJson: true, spherical: true, min: 0, max: Infinity };
  }
  const point = legacyPoint(near);
  if (!point) throw new CommandError(ErrorCodes.FailedToParse, "$geoNear requires a 'near' option as an Array or a GeoJSON Point");
  // A legacy pair over a 2dsphere index is measured on the sphere (radians).
  return { point, geoJson: false, spherical: spherical || kind === '2dsphere', min: 0, max: Infinity };
}

export function runGeoNear(docs: Document[], spec: unknown, env: GeoNearEnv): Document[] {
  if (!isPlainDocument(spec)) throw new CommandError(ErrorCodes.FailedToParse, '$geoNear argument must be an object');
  if (spec.near === undefined) throw new CommandError(ErrorCodes.FailedToParse, "$geoNear requires a 'near' option as an Array or a GeoJSON Point");
  if (typeof spec.distanceField !== 'string' || spec.distanceField === '') throw new CommandError(16606, "$geoNear requires a 'distanceField' option as a String");
  const field = chooseField(spec, env);
  const query = parseNearPoint(spec.near, spec.spherical === true, field.kind);
  query.min = bound(spec.minDistance, 'minDistance') ?? 0;
  query.max = bound(spec.maxDistance, 'maxDistance') ?? Infinity;
  const multiplier = spec.distanceMultiplier === undefined ? 1 : toNumber(spec.distanceMultiplier);
  if (!Number.isFinite(multiplier) || multiplier < 0) throw new CommandError(ErrorCodes.BadValue, 'distanceMultiplier must be a non-negative number');
  if (spec.includeLocs !== undefined && typeof spec.includeLocs !== 'string') throw new CommandError(ErrorCodes.BadValue, 'includeLocs must be a string');
  const filter = isPlainDocument(spec.query) ? spec.query : undefined;
  const test = compileFilter(filter, { variables: env.variables, collation: env.collation, indexes: [] });
  const parts = splitPath(field.path);
  const found: Array<{ doc: Document; distance: number; loc: unknown; i: number }> = [];
  docs.forEach((doc, i) => {
    if (!test(doc)) return;
    let best: { distance: number; loc: unknown } | undefined;
    for (const value of resolvePath(doc, parts)) {
      const candidates = Array.isArray(value) && value.some((e) => typeof e === 'object' && e !== null) ? value : [value];
      for (const loc of candidates) {
        const d = nearDistance(query, loc);
        if (d !== undefined && (best === undefined || d < best.distance)) best = { distance: d, loc };
      }
    }
    if (best && best.distance >= query.min && best.distance <= query.max) found.push({ doc, ...best, i });
  });
  found.sort((a, b) => a.distance - b.distance || a.i - b.i);
  return found.map(({ doc, distance, loc }) => {
    setPath(doc, spec.distanceField as string, distance * multiplier);
    if (typeof spec.includeLocs === 'string') setPath(doc, spec.includeLocs, loc);
    recordNearDistance(doc, distance * multiplier);
    return doc;
  });
}
