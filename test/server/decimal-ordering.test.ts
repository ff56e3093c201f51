// Decimal128 leftovers through the official driver: query-side $mod computed on
// exact 64-bit integers, $bucket/$bucketAuto placing decimals exactly (mongod's
// validation codes for $bucket), and exact decimal order in $sortArray and in
// $setWindowFields sortBy.
import { Decimal128, Long, MongoServerError, type Collection, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/server-fixture.js';

const fixture = useServer();
const dec = (s: string): Decimal128 => Decimal128.fromString(s);

async function fresh(name: string, docs: Document[]): Promise<Collection> {
  const coll = fixture.client.db('decimalorder').collection(name);
  await coll.deleteMany({});
  if (docs.length > 0) await coll.insertMany(docs);
  return coll;
}

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof MongoServerError)) throw new Error(`expected a server error, got ${String(error)}`);
  return error;
}

describe('$mod in queries', () => {
  it('truncates decimals and longs exactly, remainder taking the dividend sign', async () => {
    const coll = await fresh('mod', [
      { _id: 1, v: dec('1234567890123456789') }, // past 2^53: as a double it would end in 68
      { _id: 2, v: dec('7.9') },
      { _id: 3, v: dec('-7.9') },
      { _id: 4, v: Long.fromString('9007199254740993') },
      { _id: 5, v: dec('NaN') },
      { _id: 6, v: dec('Infinity') },
      { _id: 7, v: dec('1E+30') }, // beyond 64 bits: never matches
      { _id: 8, v: dec('12345678901234567891') },
    ]);
    const ids = async (filter: Document) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id as unknown as number);
    expect(await ids({ v: { $mod: [10, 9] } })).toEqual([1]);
    expect(await ids({ v: { $mod: [4, 3] } })).toEqual([2]);
    expect(await ids({ v: { $mod: [4, -3] } })).toEqual([3]);
    expect(await ids({ v: { $mod: [2, 1] } })).toEqual([1, 2, 4]);
    expect(await ids({ v: { $mod: [dec('4.7'), dec('3.2')] } })).toEqual([2]);
    expect(await ids({ v: { $mod: [1000, 0] } })).toEqual([]);
    expect(await ids({ v: { $mod: [Long.fromString('1000000000000000000'), Long.fromString('234567890123456789')] } })).toEqual([1]);
  });

  it('rejects malformed operands as mongod does', async () => {
    const coll = await fresh('modbad', [{ _id: 1, v: 1 }]);
    const code = async (mod: unknown) => (await failure(coll.find({ v: { $mod: mod } }).toArray())).code;
    const message = async (mod: unknown) => (await failure(coll.find({ v: { $mod: mod } }).toArray())).message;
    expect(await code([dec('0.5'), 0])).toBe(2);
    expect(await message([dec('0.5'), 0])).toContain('divisor cannot be 0');
    expect(await message([dec('NaN'), 0])).toContain('malformed mod, divisor value is invalid');
    expect(await message([2, dec('1E+40')])).toContain('malformed mod, remainder value is invalid');
    expect(await message(['2', 0])).toContain('malformed mod, divisor not a number');
    expect(await message([2])).toContain('malformed mod, not enough elements');
    expect(await message([2, 0, 1])).toContain('malformed mod, too many elements');
  });
});

describe('$bucket and $bucketAuto with decimals', () => {
  it('places values exactly and returns the boundaries as given, sorted by _id', async () => {
    const coll = await fresh('bucket', [
      { _id: 1, p: dec('0.29999999999999999999') }, // the nearest double is 0.3
      { _id: 2, p: dec('0.3') },
      { _id: 3, p: 0.3 }, // the double 0.299999999999999988897769753748… < 0.3
      { _id: 4, p: 'text' },
    ]);
    const out = await coll.aggregate([
      { $bucket: { groupBy: '$p', boundaries: [0, dec('0.3'), 1], default: dec('-1'), output: { ids: { $push: '$_id' } } } },
    ]).toArray();
    expect(out).toEqual([
      { _id: dec('-1'), ids: [4] },
      { _id: 0, ids: [1, 3] },
      { _id: dec('0.3'), ids: [2] },
    ]);
  });

  it('validates the spec with mongod codes', async () => {
    const coll = await fresh('bucketbad', [{ _id: 1, p: dec('5') }]);
    const code = async (spec: Document) => (await failure(coll.aggregate([{ $bucket: spec }]).toArray())).code;
    expect(await code({ groupBy: '$p', boundaries: [0] })).toBe(40192);
    expect(await code({ groupBy: '$p', boundaries: [0, 'a'] })).toBe(40193);
    expect(await code({ groupBy: '$p', boundaries: [dec('2'), 1] })).toBe(40194);
    expect(await code({ groupBy: '$p', boundaries: [0, 10], default: dec('5') })).toBe(40199);
    expect(await code({ groupBy: '$p', boundaries: [0, dec('5')] })).toBe(40066);
  });

  it('splits decimals that differ beyond double precision in $bucketAuto', async () => {
    const coll = await fresh('bucketauto', ['1', '1.00000000000000000001', '1.00000000000000000002'].map((s, i) => ({ _id: i, p: dec(s) })));
    const out = await coll.aggregate([{ $bucketAuto: { groupBy: '$p', buckets: 3 } }]).toArray();
    expect(out.map((b) => [String(b._id.min), String(b._id.max), b.count])).toEqual([
      ['1', '1.00000000000000000001', 1],
      ['1.00000000000000000001', '1.00000000000000000002', 1],
      ['1.00000000000000000002', '1.00000000000000000002', 1],
    ]);
  });
});

describe('sorting decimals inside $sortArray and $setWindowFields', () => {
  it('$sortArray orders decimals among other numbers exactly', async () => {
    const coll = await fresh('sortarray', [{ _id: 1, a: [dec('1.00000000000000000002'), 2, dec('1.00000000000000000001'), dec('0.5'), 1] }]);
    const [row] = await coll.aggregate([{ $project: { up: { $sortArray: { input: '$a', sortBy: 1 } }, down: { $sortArray: { input: '$a', sortBy: -1 } } } }]).toArray();
    expect((row?.up as unknown[]).map(String)).toEqual(['0.5', '1', '1.00000000000000000001', '1.00000000000000000002', '2']);
    expect((row?.down as unknown[]).map(String)).toEqual(['2', '1.00000000000000000002', '1.00000000000000000001', '1', '0.5']);
    const [docs] = await coll.aggregate([{ $project: { s: { $sortArray: { input: [{ k: dec('10') }, { k: 9 }, { k: dec('9.5') }], sortBy: { k: 1 } } } } }]).toArray();
    expect((docs?.s as Document[]).map((d) => String(d.k))).toEqual(['9', '9.5', '10']);
  });

  it('$setWindowFields sortBy orders decimals exactly and ties equal values', async () => {
    const coll = await fresh('windows', [
      { _id: 1, k: dec('10') }, { _id: 2, k: 9 }, { _id: 3, k: dec('9.5') }, { _id: 4, k: dec('9.0') },
    ]);
    const rows = await coll.aggregate([
      { $setWindowFields: { sortBy: { k: 1 }, output: { n: { $documentNumber: {} }, r: { $rank: {} }, seen: { $push: '$_id', window: { documents: ['unbounded', 'current'] } } } } },
    ]).toArray();
    expect(rows.map((r) => [r._id, r.n, r.r])).toEqual([[2, 1, 1], [4, 2, 1], [3, 3, 3], [1, 4, 4]]);
    expect(rows.at(-1)?.seen).toEqual([2, 4, 3, 1]);
    expect(Object.keys(rows[0] ?? {})).toEqual(['_id', 'k', 'n', 'r', 'seen']);
  });
});
