// $geoWithin, $geoIntersects, $near and $nearSphere over the values a path reaches.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument, toNumber } from '../bson-types.js';
import { distanceTo, EARTH_RADIUS_METERS, intersects, planarDistance, pointInPolygon, polygons, sphericalDistance, withinPolygons } from './geo-math.js';
import { badGeoQuery, GeoError, isGeoJson, legacyPoint, parseGeoJson, storedGeometry, vertices, type Geometry, type Point } from './geometry.js';

type ValueTest = (value: unknown) => boolean;

function queryGeometry(value: unknown, what: string): Geometry {
  if (!isGeoJson(value)) throw badGeoQuery(`${what} requires a GeoJSON $geometry: ${JSON.stringify(value)}`);
  try {
    return parseGeoJson(value);
  } catch (e) {
    throw badGeoQuery(`${what}: ${(e as Error).message}`);
  }
}

function pointArg(value: unknown, what: string): Point {
  const p = legacyPoint(value);
  if (!p) throw badGeoQuery(`${what} needs a point given as [x, y]: ${JSON.stringify(value)}`);
  return p;
}

function numberArg(value: unknown, what: string): number {
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < 0) throw badGeoQuery(`${what} must be a non-negative number`);
  return n;
}

/** $geoWithin: { $geometry | $box | $polygon | $center | $centerSphere }. */
export function compileGeoWithin(operand: unknown): ValueTest {
  if (!isPlainDocument(operand)) throw badGeoQuery('$geoWithin requires an object');
  const [shape] = Object.keys(operand);
  const arg: unknown = shape === undefined ? undefined : operand[shape];
  switch (shape) {
    case '$geometry': {
      const region = polygons(queryGeometry(arg, '$geoWithin'));
      if (region.length === 0) throw badGeoQuery('$geoWithin $geometry must be a Polygon or MultiPolygon');
      return (v) => { const g = storedGeometry(v); return g !== undefined && withinPolygons(g, region); };
    }
    case '$box': {
      if (!Array.isArray(arg) || arg.length !== 2) throw badGeoQuery('$box needs two corner points');
      const [a, b] = [pointArg(arg[0], '$box'), pointArg(arg[1], '$box')];
      const [minX, maxX, minY, maxY] = [Math.min(a[0], b[0]), Math.max(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[1], b[1])];
      return (v) => {
        const g = storedGeometry(v);
        return g !== undefined && vertices(g).every(([x, y]) => x >= minX && x <= maxX && y >= minY && y <= maxY);
      };
    }
    case '$polygon': {
      if (!Array.isArray(arg) || arg.length < 3) throw badGeoQuery('Polygon must have at least 3 points');
      const pts = arg.map((p) => pointArg(p, '$polygon'));
      const ring = [...pts, pts[0] as Point];
      return (v) => { const g = storedGeometry(v); return g !== undefined && vertices(g).every((p) => pointInPolygon(p, [ring])); };
    }
    case '$center': case '$centerSphere': {
      if (!Array.isArray(arg) || arg.length !== 2) throw badGeoQuery(`${shape} needs [ [x, y], radius ]`);
      const center = pointArg(arg[0], shape);
      const radius = numberArg(arg[1], `${shape} radius`);
      const metric = shape === '$center' ? planarDistance : sphericalDistance;
      return (v) => { const g = storedGeometry(v); return g !== undefined && vertices(g).every((p) => metric(center, p) <= radius); };
    }
    default: throw badGeoQuery(`unknown geo specifier: ${String(shape)}`);
  }
}

/** $geoIntersects: { $geometry }. */
export function compileGeoIntersects(operand: unknown): ValueTest {
  if (!isPlainDocument(operand) || !('$geometry' in operand)) throw badGeoQuery('$geoIntersects requires a $geometry');
  const query = queryGeometry(operand.$geometry, '$geoIntersects');
  return (v) => { const g = storedGeometry(v); return g !== undefined && intersects(g, query); };
}

export interface NearQuery {
  point: Point;
  /** GeoJSON form: meters on the sphere (needs a 2dsphere index). */
  geoJson: boolean;
  /** Spherical distance (radians for legacy points, meters for GeoJSON). */
  spherical: boolean;
  min: number;
  max: number;
}

/** Parses `{ $near | $nearSphere: …, $maxDistance?, $minDistance? }`. */
export function parseNear(op: '$near' | '$nearSphere', ops: Document): NearQuery {
  const arg: unknown = ops[op];
  let min = ops.$minDistance;
  let max = ops.$maxDistance;
  let point: Point;
  let geoJson = false;
  if (isPlainDocument(arg) && '$geometry' in arg) {
    const g = queryGeometry(arg.$geometry, op);
    if (g.kind !== 'point') throw badGeoQuery(`${op} requires a GeoJSON Point`);
    point = g.point;
    geoJson = true;
    min = arg.$minDistance ?? min;
    max = arg.$maxDistance ?? max;
  } else if (isGeoJson(arg)) {
    const g = queryGeometry(arg, op);
    if (g.kind !== 'point') throw badGeoQuery(`${op} requires a GeoJSON Point`);
    point = g.point;
    geoJson = true;
  } else point = pointArg(arg, op);
  return {
    point,
    geoJson,
    spherical: geoJson || op === '$nearSphere',
    min: min === undefined ? 0 : numberArg(min, '$minDistance'),
    max: max === undefined ? Infinity : numberArg(max, '$maxDistance'),
  };
}

/** Distance from the query point to a stored value, in the query's units (undefined: not a location). */
export function nearDistance(query: NearQuery, value: unknown): number | undefined {
  const g = storedGeometry(value);
  if (!g) return undefined;
  if (!query.spherical) return distanceTo(query.point, g, planarDistance, false);
  const radians = distanceTo(query.point, g, sphericalDistance, true);
  return query.geoJson ? radians * EARTH_RADIUS_METERS : radians;
}

/** The error mongod's planner reports when no geo index serves a $near query. */
export function noGeoIndexError(): CommandError {
  return new CommandError(ErrorCodes.NoQueryExecutionPlans, 'error processing query: planner returned error :: caused by :: unable to find index for $geoNear query');
}

export { GeoError };
