// What inserting into a 2dsphere-indexed collection checks: every value of an
// indexed field must be a valid GeoJSON geometry or a legacy [lng, lat] pair in
// range, else the write fails with 16755 "Can't extract geo keys" as in mongod.
// (2d indexes are not validated on write: SIMPLIFICATION.)
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { resolvePath, splitPath } from '../paths.js';
import { GeoError, isGeoJson, legacyPoint, parseGeoJson } from './geometry.js';

const CANNOT_EXTRACT_GEO_KEYS = 16755;

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

/** The 16755 error for a document an index's 2dsphere fields cannot key, if any. */
export function geoKeyError(doc: Document, keyPattern: Document): CommandError | undefined {
  for (const [field, kind] of Object.entries(keyPattern)) {
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
