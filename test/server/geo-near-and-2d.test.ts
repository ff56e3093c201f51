// $near nested in $and still returns documents nearest first (mongod's planner
// hoists it), through find, and the 2d index key check mongod applies on write
// (13027 for a legacy pair outside the index's [min, max) square), as a unit.
import type { Collection } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { geoKeyError, hasGeoKeyChecks } from '../../src/server/query/geo/geo-keys.js';
import { useServer } from './support/server-fixture.js';

type Spot = { _id: number; pos: [number, number]; kind: string };

const fixture = useServer();
let spots: Collection<Spot>;

beforeAll(async () => {
  spots = fixture.client.db('geonearand').collection<Spot>('spots');
  await spots.insertMany([
    { _id: 1, pos: [5, 0], kind: 'a' }, { _id: 2, pos: [1, 0], kind: 'a' },
    { _id: 3, pos: [3, 0], kind: 'b' }, { _id: 4, pos: [2, 0], kind: 'a' },
  ]);
  await spots.createIndex({ pos: '2d' });
});

describe('$near inside $and', () => {
  it('orders the matches by distance', async () => {
    const docs = await spots.find({ $and: [{ kind: 'a' }, { pos: { $near: [0, 0] } }] }).toArray();
    expect(docs.map((d) => d._id)).toEqual([2, 4, 1]);
    const nested = await spots.find({ $and: [{ $and: [{ pos: { $near: [6, 0], $maxDistance: 4 } }] }, { kind: { $ne: 'x' } }] }).toArray();
    expect(nested.map((d) => d._id)).toEqual([1, 3, 4]);
  });
});

describe('2d index key check on write', () => {
  const pattern = { pos: '2d' };
  it('rejects legacy pairs outside [-180, 180) with 13027', () => {
    expect(hasGeoKeyChecks(pattern)).toBe(true);
    expect(hasGeoKeyChecks({ a: 1 })).toBe(false);
    expect(geoKeyError({ pos: [179.9, -180] }, pattern)).toBeUndefined();
    expect(geoKeyError({ pos: null }, pattern)).toBeUndefined();
    expect(geoKeyError({}, pattern)).toBeUndefined();
    const error = geoKeyError({ pos: [180, 0] }, pattern);
    expect(error?.code).toBe(13027);
    expect(error?.message).toBe('point not in interval of [ -180, 180 )');
    expect(geoKeyError({ pos: { x: 0, y: -181 } }, pattern)?.code).toBe(13027);
    expect(geoKeyError({ pos: [[0, 0], [200, 0]] }, pattern)?.code).toBe(13027);
  });

  it("honours the index's min and max options", () => {
    expect(geoKeyError({ pos: [500, 0] }, { pos: '2d' }, { min: -1000, max: 1000 })).toBeUndefined();
    expect(geoKeyError({ pos: [5, 0] }, { pos: '2d' }, { min: 0, max: 5 })?.message).toBe('point not in interval of [ 0, 5 )');
  });
});

describe('2d index key check through the driver', () => {
  it('refuses an insert and an update that put a pair outside the index bounds, writing nothing', async () => {
    const error = await spots.insertOne({ _id: 10, pos: [200, 0], kind: 'a' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 13027 });
    expect(await spots.countDocuments({ _id: 10 })).toBe(0);
    const updateError = await spots.updateOne({ _id: 1 }, { $set: { pos: [0, -181] } }).catch((e: unknown) => e);
    expect(updateError).toMatchObject({ code: 13027 });
    expect((await spots.findOne({ _id: 1 }))?.pos).toEqual([5, 0]);
  });
});
