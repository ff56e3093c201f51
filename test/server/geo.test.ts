// Geospatial queries through the official driver: 2dsphere/2d index specs,
// $geoWithin / $geoIntersects / $near / $nearSphere, the $geoNear stage, and
// mongod's errors (missing geo index, malformed GeoJSON on insert).
import type { Collection, Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverFailure as failure } from '../support/server-failure.js';
import { useServer } from './support/server-fixture.js';

type GeoPoint = { type: 'Point'; coordinates: [number, number] };
type Place = { _id: number; name: string; loc: GeoPoint | { type: string; coordinates: unknown }; kind?: string };
type Legacy = { _id: number; pos: [number, number] };

const fixture = useServer();
let db: Db;
let places: Collection<Place>;
let legacy: Collection<Legacy>;

const point = (lng: number, lat: number): GeoPoint => ({ type: 'Point', coordinates: [lng, lat] });
// A unit square around (0.5, 0.5).
const SQUARE = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };

beforeAll(async () => {
  db = fixture.client.db('geo');
  places = db.collection<Place>('places');
  await places.insertMany([
    { _id: 1, name: 'origin', loc: point(0, 0), kind: 'a' },
    { _id: 2, name: 'inside', loc: point(0.5, 0.5), kind: 'b' },
    { _id: 3, name: 'east', loc: point(2, 0), kind: 'a' },
    { _id: 4, name: 'far', loc: point(10, 10), kind: 'b' },
    { _id: 5, name: 'road', loc: { type: 'LineString', coordinates: [[-1, 0.5], [3, 0.5]] } },
  ]);
  await places.createIndex({ loc: '2dsphere' });
  legacy = db.collection<Legacy>('legacy');
  await legacy.insertMany([{ _id: 1, pos: [0, 0] }, { _id: 2, pos: [3, 4] }, { _id: 3, pos: [1, 1] }, { _id: 4, pos: [10, 0] }]);
  await legacy.createIndex({ pos: '2d' });
});

const idsOf = (docs: Array<{ _id: number }>): number[] => docs.map((d) => d._id);
const sorted = (ids: number[]): number[] => [...ids].sort((a, b) => a - b);

describe('geo index specifications', () => {
  it('lists 2dsphere and 2d indexes as mongod does', async () => {
    const [, sphere] = await places.listIndexes().toArray();
    expect(sphere).toEqual({ v: 2, key: { loc: '2dsphere' }, name: 'loc_2dsphere', '2dsphereIndexVersion': 3 });
    const [, flat] = await legacy.listIndexes().toArray();
    expect(flat).toEqual({ v: 2, key: { pos: '2d' }, name: 'pos_2d' });
  });

  it('rejects malformed GeoJSON on insert into a 2dsphere-indexed collection', async () => {
    const open = await failure(places.insertOne({ _id: 90, name: 'open', loc: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }));
    expect(open.code).toBe(16755);
    expect(open.message).toMatch(/Can't extract geo keys.*Loop is not closed/);
    const range = await failure(places.insertOne({ _id: 91, name: 'range', loc: point(200, 0) }));
    expect(range.code).toBe(16755);
    expect(range.message).toContain('longitude/latitude is out of bounds');
    expect(await places.countDocuments({ _id: { $in: [90, 91] } })).toBe(0);
  });

  it('refuses to build a 2dsphere index over bad existing data', async () => {
    const bad = db.collection('bad');
    await bad.insertOne({ loc: { type: 'Point', coordinates: ['x', 1] } });
    expect((await failure(bad.createIndex({ loc: '2dsphere' }))).code).toBe(16755);
  });
});

describe('$geoWithin and $geoIntersects', () => {
  it('$geoWithin $geometry polygon (no index needed)', async () => {
    expect(sorted(idsOf(await places.find({ loc: { $geoWithin: { $geometry: SQUARE } } }).toArray()))).toEqual([1, 2]);
    const multi = { type: 'MultiPolygon', coordinates: [SQUARE.coordinates, [[[9, 9], [11, 9], [11, 11], [9, 11], [9, 9]]]] };
    expect(sorted(idsOf(await places.find({ loc: { $geoWithin: { $geometry: multi } } }).toArray()))).toEqual([1, 2, 4]);
  });

  it('polygon holes exclude points', async () => {
    const holed = { type: 'Polygon', coordinates: [[[-1, -1], [3, -1], [3, 3], [-1, 3], [-1, -1]], [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75], [0.25, 0.25]]] };
    expect(sorted(idsOf(await places.find({ loc: { $geoWithin: { $geometry: holed } } }).toArray()))).toEqual([1, 3, 5]);
  });

  it('legacy shapes: $box, $polygon, $center, $centerSphere', async () => {
    expect(sorted(idsOf(await legacy.find({ pos: { $geoWithin: { $box: [[0, 0], [2, 2]] } } }).toArray()))).toEqual([1, 3]);
    expect(sorted(idsOf(await legacy.find({ pos: { $geoWithin: { $polygon: [[-1, -1], [5, -1], [5, 5]] } } }).toArray()))).toEqual([1, 3]);
    expect(sorted(idsOf(await legacy.find({ pos: { $geoWithin: { $center: [[0, 0], 5] } } }).toArray()))).toEqual([1, 2, 3]);
    // 200 km around the origin on the sphere: (1,1) is ~157 km away, (3,4) ~556 km.
    const radians = 200000 / 6378100;
    expect(sorted(idsOf(await legacy.find({ pos: { $geoWithin: { $centerSphere: [[0, 0], radians] } } }).toArray()))).toEqual([1, 3]);
  });

  it('$geoIntersects with points, lines and polygons', async () => {
    expect(sorted(idsOf(await places.find({ loc: { $geoIntersects: { $geometry: SQUARE } } }).toArray()))).toEqual([1, 2, 5]);
    const crossing = { type: 'LineString', coordinates: [[2.5, -1], [2.5, 1]] };
    expect(idsOf(await places.find({ loc: { $geoIntersects: { $geometry: crossing } } }).toArray())).toEqual([5]);
    expect(idsOf(await places.find({ loc: { $geoIntersects: { $geometry: point(2, 0) } } }).toArray())).toEqual([3]);
  });

  it('malformed query geometry is BadValue', async () => {
    const error = await failure(places.find({ loc: { $geoWithin: { $geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] } } } }).toArray());
    expect(error.code).toBe(2);
  });
});

describe('$near and $nearSphere', () => {
  it('returns documents nearest first within $maxDistance meters', async () => {
    const near = await places.find({ loc: { $near: { $geometry: point(0, 0), $maxDistance: 300000 } } }).toArray();
    expect(idsOf(near)).toEqual([1, 5, 2, 3]);
    const ring = await places.find({ loc: { $nearSphere: { $geometry: point(0, 0), $minDistance: 60000, $maxDistance: 300000 } } }).toArray();
    expect(idsOf(ring)).toEqual([2, 3]);
  });

  it('legacy $near measures in coordinate units, $nearSphere in radians', async () => {
    expect(idsOf(await legacy.find({ pos: { $near: [0, 0], $maxDistance: 5 } }).toArray())).toEqual([1, 3, 2]);
    expect(idsOf(await legacy.find({ pos: { $near: [9, 0] } }).limit(2).toArray())).toEqual([4, 2]);
    const radians = 200000 / 6378100;
    expect(idsOf(await legacy.find({ pos: { $nearSphere: [0, 0], $maxDistance: radians } }).toArray())).toEqual([1, 3]);
  });

  it('requires a geo index', async () => {
    await db.collection('noindex').insertOne({ loc: point(0, 0) });
    const error = await failure(db.collection('noindex').find({ loc: { $near: { $geometry: point(0, 0) } } }).toArray());
    expect(error.code).toBe(291);
    expect(error.message).toContain('unable to find index for $geoNear query');
    // A 2d index cannot answer a GeoJSON $near.
    expect((await failure(legacy.find({ pos: { $near: { $geometry: point(0, 0) } } }).toArray())).code).toBe(291);
  });

  it('must be at the top level and is refused by countDocuments', async () => {
    expect((await failure(places.find({ $or: [{ loc: { $near: { $geometry: point(0, 0) } } }, { _id: 1 }] }).toArray())).code).toBe(2);
    expect((await failure(places.countDocuments({ loc: { $near: { $geometry: point(0, 0) } } }))).code).toBe(2);
  });

  it('projects the distance with $meta geoNearDistance', async () => {
    const docs = await places.find<Place & { d: number }>({ loc: { $near: { $geometry: point(0, 0), $maxDistance: 200000 } } }, { projection: { d: { $meta: 'geoNearDistance' } } }).toArray();
    expect(docs.map((d) => d.d)[0]).toBe(0);
    expect((docs[2]?.d ?? 0) / 1000).toBeCloseTo(78.7, 0);
  });
});

describe('$geoNear stage', () => {
  it('sorts by distance and writes distanceField (meters for GeoJSON)', async () => {
    const docs = await places.aggregate([
      { $geoNear: { near: point(0, 0), distanceField: 'dist.calculated', maxDistance: 300000, query: { kind: { $exists: true } }, includeLocs: 'dist.loc', spherical: true } },
    ]).toArray();
    expect(idsOf(docs as Array<{ _id: number }>)).toEqual([1, 2, 3]);
    const dist = docs.map((d) => (d.dist as { calculated: number }).calculated);
    expect(dist[0]).toBe(0);
    expect(dist[2]).toBeGreaterThan(dist[1] ?? 0);
    expect((docs[1]?.dist as { loc: unknown }).loc).toEqual(point(0.5, 0.5));
  });

  it('supports minDistance, distanceMultiplier and legacy planar points', async () => {
    const km = await places.aggregate([{ $geoNear: { near: point(0, 0), distanceField: 'km', minDistance: 1, distanceMultiplier: 0.001, key: 'loc' } }, { $limit: 1 }]).toArray();
    expect(km[0]?._id).toBe(5);
    expect(km[0]?.km as number).toBeCloseTo(55.7, 0);
    const flat = await legacy.aggregate([{ $geoNear: { near: [0, 0], distanceField: 'd' } }]).toArray();
    expect(flat.map((d) => d.d as number)).toEqual([0, Math.SQRT2, 5, 10]);
  });

  it('fails as mongod does', async () => {
    expect((await failure(places.aggregate([{ $match: {} }, { $geoNear: { near: point(0, 0), distanceField: 'd' } }]).toArray())).code).toBe(40602);
    expect((await failure(places.aggregate([{ $geoNear: { near: point(0, 0) } }]).toArray())).code).toBe(16606);
    const none = await failure(db.collection('noindex').aggregate([{ $geoNear: { near: point(0, 0), distanceField: 'd' } }]).toArray());
    expect(none.code).toBe(27);
    expect(none.message).toContain('$geoNear requires a 2d or 2dsphere index');
  });
});
