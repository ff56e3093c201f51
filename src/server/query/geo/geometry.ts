// GeoJSON and legacy coordinate pairs parsed into a small geometry model, with
// the validation mongod applies (ranges, closed rings, enough vertices).
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { bsonTypeOf, isPlainDocument, toNumber } from '../bson-types.js';

/** [x, y]: longitude, latitude for GeoJSON; plain coordinates for legacy pairs. */
export type Point = [number, number];

export type Geometry =
  | { kind: 'point'; point: Point }
  | { kind: 'line'; points: Point[] }
  | { kind: 'polygon'; rings: Point[][] }
  | { kind: 'multi'; parts: Geometry[] };

export class GeoError extends Error {}

function isNumber(v: unknown): boolean {
  const t = bsonTypeOf(v);
  return t === 'int' || t === 'long' || t === 'double' || t === 'decimal';
}

/** A legacy coordinate pair: [x, y, …] or an object whose first two values are numbers. */
export function legacyPoint(value: unknown): Point | undefined {
  const values = Array.isArray(value) ? value : isPlainDocument(value) && !('type' in value) ? Object.values(value) : undefined;
  if (values === undefined || values.length < 2 || !isNumber(values[0]) || !isNumber(values[1])) return undefined;
  return [toNumber(values[0]), toNumber(values[1])];
}

function position(value: unknown): Point {
  if (!Array.isArray(value) || value.length < 2) throw new GeoError('Point must be an array or object, and contain at least 2 elements');
  if (!value.every(isNumber)) throw new GeoError('Point must only contain numeric elements');
  const [lng, lat] = [toNumber(value[0]), toNumber(value[1])];
  if (!(lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90)) throw new GeoError(`longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`);
  return [lng, lat];
}

function positions(value: unknown): Point[] {
  if (!Array.isArray(value)) throw new GeoError('coordinates must be an array');
  return value.map(position);
}

function ring(value: unknown): Point[] {
  const pts = positions(value);
  if (pts.length < 4) throw new GeoError(`Loop must have at least 4 vertices (was ${pts.length})`);
  const first = pts[0] as Point;
  const last = pts[pts.length - 1] as Point;
  if (first[0] !== last[0] || first[1] !== last[1]) throw new GeoError('Loop is not closed, first vertex does not equal last vertex');
  if (new Set(pts.map((p) => `${p[0]},${p[1]}`)).size < 3) throw new GeoError('Loop must have at least 3 different vertices');
  return pts;
}

function polygon(value: unknown): Geometry {
  if (!Array.isArray(value) || value.length === 0) throw new GeoError('Polygon coordinates must be an array of rings');
  return { kind: 'polygon', rings: value.map(ring) };
}

/** Whether a value looks like a GeoJSON object ({ type, coordinates | geometries }). */
export function isGeoJson(value: unknown): value is Document {
  return isPlainDocument(value) && typeof value.type === 'string' && ('coordinates' in value || 'geometries' in value);
}

/** Parses a GeoJSON geometry; throws GeoError describing what is malformed. */
export function parseGeoJson(value: Document): Geometry {
  const coordinates: unknown = value.coordinates;
  switch (value.type) {
    case 'Point': return { kind: 'point', point: position(coordinates) };
    case 'LineString': {
      const points = positions(coordinates);
      if (points.length < 2) throw new GeoError('GeoJSON LineString must have at least 2 vertices');
      return { kind: 'line', points };
    }
    case 'Polygon': return polygon(coordinates);
    case 'MultiPoint': return { kind: 'multi', parts: positions(coordinates).map((point) => ({ kind: 'point', point })) };
    case 'MultiLineString': {
      if (!Array.isArray(coordinates)) throw new GeoError('MultiLineString coordinates must be an array');
      return { kind: 'multi', parts: coordinates.map((c) => parseGeoJson({ type: 'LineString', coordinates: c })) };
    }
    case 'MultiPolygon': {
      if (!Array.isArray(coordinates)) throw new GeoError('MultiPolygon coordinates must be an array');
      return { kind: 'multi', parts: coordinates.map(polygon) };
    }
    case 'GeometryCollection': {
      const list: unknown = value.geometries;
      if (!Array.isArray(list)) throw new GeoError('GeometryCollection geometries must be an array');
      return { kind: 'multi', parts: list.map((g) => (isPlainDocument(g) ? parseGeoJson(g) : badGeometry(g))) };
    }
    default: throw new GeoError(`unknown GeoJSON type: ${JSON.stringify(value)}`);
  }
}

function badGeometry(value: unknown): never {
  throw new GeoError(`geometry must be an object: ${String(value)}`);
}

/** A stored location: GeoJSON or a legacy pair; undefined when the value is neither (or malformed). */
export function storedGeometry(value: unknown): Geometry | undefined {
  if (isGeoJson(value)) {
    try {
      return parseGeoJson(value);
    } catch {
      return undefined;
    }
  }
  const point = legacyPoint(value);
  return point ? { kind: 'point', point } : undefined;
}

/** The vertices of a geometry (all rings and parts). */
export function vertices(g: Geometry): Point[] {
  switch (g.kind) {
    case 'point': return [g.point];
    case 'line': return g.points;
    case 'polygon': return g.rings.flat();
    case 'multi': return g.parts.flatMap(vertices);
  }
}

/** A query's malformed geometry: BadValue as mongod's geo parser reports it. */
export function badGeoQuery(message: string): CommandError {
  return new CommandError(ErrorCodes.BadValue, message);
}
