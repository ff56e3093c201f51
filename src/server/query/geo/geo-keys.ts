// What inserting into a geo-indexed collection checks, as mongod does. 2dsphere:
// every value of an indexed field must be a valid GeoJSON geometry or a legacy
// [lng, lat] pair in range, else 16755 "Can't extract geo keys". 2d: every legacy
// coordinate pair must lie in the index's [min, max) square (default
// [-180, 180)), else 13027 "point not in interval of [ min, max )".
// SIMPLIFICATION: 2d fields holding non-points are accepted (mongod rejects some).
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { isNumeric, isPlainDocument, toNumber } from '../bson-types.js';
import { resolvePath, splitPath } from '../paths.js';
import { GeoError, isGeoJson, legacyPoint, parseGeoJson } from './geometry.js';

const CANNOT_EXTRACT_GEO_KEYS = 16755;
const POINT_NOT_IN_INTERVAL = 13027;

function problem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (isGeoJson(value)) {
    try {
      parseGeoJson(value);
      return undefined;
    } catch (e) {
      return e instanceof GeoError ? e.message : String(e);
    }
  }
  const point = legacyPoint(value);
  if (point) return point[0] >= -180 && point[0] <= 180 && point[1] >= -90 && point[1] <= 90 ? undefined : `longitude/latitude is out of bounds, lng: ${point[0]} lat: ${point[1]}`;
  if (Array.isArray(value)) {
    for (const element of value) {
      const p = problem(element);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  return 'Point must be an array or object';
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
}

/** The first legacy point of a 2d field value outside [min, max), if any. */
function pointOutside2dBounds(value: unknown, min: number, max: number): boolean {
  const point = legacyPoint(value);
  if (point) return !point.every((c) => c >= min && c < max);
  // An array of points (a multi-location document).
  return Array.isArray(value) && value.some((element) => Array.isArray(element) || isPlainDocument(element) ? pointOutside2dBounds(element, min, max) : false);
}

function boundOf(value: unknown, fallback: number): number {
  return isNumeric(value) ? toNumber(value) : fallback;
}

/** Whether writes to an index with this key pattern are geo-validated. */
export function hasGeoKeyChecks(keyPattern: Document): boolean {
  return Object.values(keyPattern).some((kind) => kind === '2dsphere' || kind === '2d');
}

/**
 * The error for a document an index's geo fields cannot key, if any: 16755 for
 * 2dsphere, 13027 for 2d. `index` supplies a 2d index's `min`/`max` options.
 */
export function geoKeyError(doc: Document, keyPattern: Document, index: Document = {}): CommandError | undefined {
  for (const [field, kind] of Object.entries(keyPattern)) {
    if (kind === '2d') {
      const [min, max] = [boundOf(index.min, -180), boundOf(index.max, 180)];
      if (resolvePath(doc, splitPath(field)).some((value) => pointOutside2dBounds(value, min, max))) {
        return new CommandError(POINT_NOT_IN_INTERVAL, `point not in interval of [ ${min}, ${max} )`);
      }
      continue;
    }
    if (kind !== '2dsphere') continue;
    for (const value of resolvePath(doc, splitPath(field))) {
      const p = problem(value);
      if (p !== undefined) {
        return new CommandError(CANNOT_EXTRACT_GEO_KEYS, `Can't extract geo keys: ${show(doc)}  ${p}`);
      }
    }
  }
  return undefined;
}
