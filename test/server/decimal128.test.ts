// Decimal128 arithmetic in the embedded server, through the official driver:
// exact IEEE 754-2008 decimal128 results (34 digits, half-even, cohorts kept)
// in aggregation expressions, $group accumulators and $inc/$mul, and numeric
// equality/order across int, long, double and decimal.
import { Decimal128, Double, Int32, Long, MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
let client: MongoClient;
let db: Db;

/** Test documents use numeric and string _ids. */
type Doc = { _id: number | string; [key: string]: unknown };

/** Documents whose fields $inc/$mul may change. */
type Numbers = { _id: number; [key: string]: number | Decimal128 };

const dec = (s: string): Decimal128 => Decimal128.fromString(s);

beforeAll(async () => {
  server = await MemoryServer.start();
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
  await client.connect();
  db = client.db('decimals');
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

/** Evaluates one expression in a $project over a single document and returns the value. */
async function evaluate(expr: unknown, doc: Omit<Doc, '_id'> = {}): Promise<unknown> {
  const coll = db.collection<Doc>('eval');
  await coll.deleteMany({});
  await coll.insertOne({ _id: 1, ...doc });
  const [out] = await coll.aggregate([{ $project: { _id: 0, v: expr } }]).toArray();
  return out?.v;
}

function asDecimalString(v: unknown): string {
  expect(v).toBeInstanceOf(Decimal128);
  return (v as Decimal128).toString();
}

describe('aggregation arithmetic with Decimal128', () => {
  it('adds 0.1 + 0.2 to exactly 0.3', async () => {
    expect(asDecimalString(await evaluate({ $add: ['$a', '$b'] }, { a: dec('0.1'), b: dec('0.2') }))).toBe('0.3');
  });

  it('keeps the cohort (trailing zeros) of exact results', async () => {
    expect(asDecimalString(await evaluate({ $add: [dec('1.0'), dec('2.00')] }))).toBe('3.00');
    expect(asDecimalString(await evaluate({ $multiply: [dec('1.10'), dec('2.0')] }))).toBe('2.200');
    expect(asDecimalString(await evaluate({ $subtract: [dec('5.00'), dec('5')] }))).toBe('0.00');
    expect(asDecimalString(await evaluate({ $divide: [dec('1.00'), dec('2')] }))).toBe('0.50');
  });

  it('rounds to 34 significant digits, half to even', async () => {
    expect(asDecimalString(await evaluate({ $divide: [dec('1'), dec('3')] }))).toBe('0.3333333333333333333333333333333333');
    expect(asDecimalString(await evaluate({ $divide: [dec('2'), dec('3')] }))).toBe('0.6666666666666666666666666666666667');
    // 10^34 + 5 has 35 digits: the tie goes to the even neighbour 1000…000.
    const big = dec('1000000000000000000000000000000000');
    expect(asDecimalString(await evaluate({ $add: [{ $multiply: [big, 10] }, 5] }))).toBe('1.000000000000000000000000000000000E+34');
    expect(asDecimalString(await evaluate({ $add: [{ $multiply: [big, 10] }, 15] }))).toBe('1.000000000000000000000000000000002E+34');
  });

  it('promotes mixed int/long/double operands to decimal when any operand is a decimal', async () => {
    expect(asDecimalString(await evaluate({ $add: [new Int32(1), Long.fromNumber(2), dec('0.5')] }))).toBe('3.5');
    // $add totals doubles apart and converts the total with 34 digits; $multiply coerces each to 15.
    expect(asDecimalString(await evaluate({ $add: [0.1, dec('0.2')] }))).toBe('0.3000000000000000055511151231257827');
    expect(asDecimalString(await evaluate({ $multiply: [0.1, dec('2')] }))).toBe('0.200000000000000');
    expect(asDecimalString(await evaluate({ $add: [dec('1E+2'), 1] }))).toBe('101');
    expect(asDecimalString(await evaluate({ $multiply: ['$n', dec('1.5')] }, { n: 4 }))).toBe('6.0');
    expect(await evaluate({ $add: [1, 2.5] })).toBe(3.5);
  });

  it('propagates Infinity and NaN and refuses division by zero', async () => {
    expect(asDecimalString(await evaluate({ $add: [dec('Infinity'), dec('1')] }))).toBe('Infinity');
    expect(asDecimalString(await evaluate({ $add: [dec('Infinity'), dec('-Infinity')] }))).toBe('NaN');
    expect(asDecimalString(await evaluate({ $multiply: [dec('NaN'), 2] }))).toBe('NaN');
    for (const divisor of [dec('0'), dec('-0.00'), 0]) {
      const error = await evaluate({ $divide: [dec('1'), divisor] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(2);
      expect((error as MongoServerError).message).toContain("can't $divide by zero");
    }
  });

  it('computes $mod, $abs, $round and $trunc on decimals', async () => {
    expect(asDecimalString(await evaluate({ $mod: [dec('10.5'), dec('3')] }))).toBe('1.5');
    expect(asDecimalString(await evaluate({ $mod: [dec('-7'), 2] }))).toBe('-1');
    expect(asDecimalString(await evaluate({ $abs: dec('-1.50') }))).toBe('1.50');
    expect(asDecimalString(await evaluate({ $round: [dec('2.345'), 2] }))).toBe('2.34');
    expect(asDecimalString(await evaluate({ $round: [dec('2.355'), 2] }))).toBe('2.36');
    expect(asDecimalString(await evaluate({ $round: [dec('2.5')] }))).toBe('2');
    expect(asDecimalString(await evaluate({ $trunc: [dec('-2.789'), 1] }))).toBe('-2.7');
    expect(asDecimalString(await evaluate({ $floor: dec('-2.5') }))).toBe('-3');
    expect(asDecimalString(await evaluate({ $ceil: dec('2.1') }))).toBe('3');
    expect(asDecimalString(await evaluate({ $floor: dec('1E+2') }))).toBe('100');
    expect(asDecimalString(await evaluate({ $round: [dec('1.2'), 3] }))).toBe('1.200');
  });

  it('converts between decimal and the other numeric types', async () => {
    expect(asDecimalString(await evaluate({ $toDecimal: 2.5 }))).toBe('2.50000000000000');
    expect(asDecimalString(await evaluate({ $toDecimal: Long.fromString('9007199254740993') }))).toBe('9007199254740993');
    expect(asDecimalString(await evaluate({ $toDecimal: '12.340' }))).toBe('12.340');
    expect(await evaluate({ $toDouble: dec('0.1') })).toBe(0.1);
    expect(await evaluate({ $toInt: dec('-7.9') })).toBe(-7);
    expect(await evaluate({ $toLong: dec('9007199254740993.5') })).toEqual(Long.fromString('9007199254740993'));
    expect(await evaluate({ $convert: { input: dec('1.25'), to: 'string' } })).toBe('1.25');
    expect(await evaluate({ $convert: { input: dec('NaN'), to: 'int', onError: 'bad' } })).toBe('bad');
    expect(await evaluate({ $type: dec('1') })).toBe('decimal');
    expect(await evaluate({ $isNumber: dec('1') })).toBe(true);
  });

  it('compares decimals with other numeric types by value', async () => {
    expect(await evaluate({ $eq: [dec('1'), 1] })).toBe(true);
    expect(await evaluate({ $eq: [dec('1.000'), new Double(1)] })).toBe(true);
    expect(await evaluate({ $eq: [dec('0.1'), 0.1] })).toBe(false);
    expect(await evaluate({ $lt: [dec('0.1'), 0.1] })).toBe(true);
    expect(await evaluate({ $cmp: [dec('2'), Long.fromNumber(1)] })).toBe(1);
    expect(await evaluate({ $in: [dec('2.0'), [1, 2, 3]] })).toBe(true);
    expect(await evaluate({ $in: [0.1, [dec('0.1')]] })).toBe(false);
  });
});

describe('$group accumulators with Decimal128', () => {
  it('sums 10,000 × 0.01 to exactly 100.00', async () => {
    const coll = db.collection<Doc>('cents');
    await coll.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ _id: i, amount: dec('0.01') })));
    const [out] = await coll.aggregate([{ $group: { _id: null, total: { $sum: '$amount' }, avg: { $avg: '$amount' } } }]).toArray();
    expect(asDecimalString(out?.total)).toBe('100.00');
    expect(asDecimalString(out?.avg)).toBe('0.01');
  });

  it('sums mixed numeric types to a decimal and picks $min/$max by value', async () => {
    const coll = db.collection<Doc>('mixed');
    await coll.insertMany([
      { _id: 1, v: dec('1.5') },
      { _id: 2, v: 2 },
      { _id: 3, v: Long.fromNumber(3) },
      { _id: 4, v: 'not a number' },
      { _id: 5, v: dec('-0.25') },
    ]);
    const [out] = await coll.aggregate([
      { $group: { _id: null, sum: { $sum: '$v' }, avg: { $avg: '$v' }, min: { $min: '$v' }, max: { $max: '$v' } } },
    ]).toArray();
    expect(asDecimalString(out?.sum)).toBe('6.25');
    expect(asDecimalString(out?.avg)).toBe('1.5625');
    expect(asDecimalString(out?.min)).toBe('-0.25');
    expect(out?.max).toBe('not a number');
  });

  it('evaluates $sum over an array expression exactly', async () => {
    expect(asDecimalString(await evaluate({ $sum: '$xs' }, { xs: [dec('0.1'), dec('0.2'), dec('0.3')] }))).toBe('0.6');
  });
});

describe('$inc and $mul with Decimal128', () => {
  it('increments exactly and keeps the cohort', async () => {
    const coll = db.collection<Numbers>('wallet');
    await coll.insertOne({ _id: 1, balance: dec('10.00') });
    for (let i = 0; i < 10; i++) await coll.updateOne({ _id: 1 }, { $inc: { balance: dec('0.10') } });
    const doc = await coll.findOne({ _id: 1 });
    expect(asDecimalString(doc?.balance)).toBe('11.00');
  });

  it('promotes int and double fields to decimal', async () => {
    const coll = db.collection<Numbers>('promote');
    await coll.insertOne({ _id: 1, i: 5, d: 1.5, m: 3 });
    await coll.updateOne({ _id: 1 }, { $inc: { i: dec('0.1'), d: dec('0.25') }, $mul: { m: dec('1.10'), missing: dec('1.50') } });
    const doc = await coll.findOne({ _id: 1 });
    expect(asDecimalString(doc?.i)).toBe('5.1');
    expect(asDecimalString(doc?.d)).toBe('1.75000000000000');
    expect(asDecimalString(doc?.m)).toBe('3.30');
    // $mul on a missing field stores the operand times zero.
    expect(asDecimalString(doc?.missing)).toBe('0.00');
  });

  it('computes pipeline updates and $expr filters with decimals', async () => {
    const coll = db.collection<Doc>('pipeline-update');
    await coll.insertOne({ _id: 1, a: dec('0.1'), b: dec('0.2') });
    await coll.updateOne({ _id: 1 }, [{ $set: { c: { $add: ['$a', '$b'] } } }]);
    expect(asDecimalString((await coll.findOne({ _id: 1 }))?.c)).toBe('0.3');
    expect(await coll.countDocuments({ $expr: { $eq: ['$c', dec('0.30')] } })).toBe(1);
    expect(await coll.countDocuments({ $expr: { $gt: ['$a', '$b'] } })).toBe(0);
  });
});

describe('queries and sorting across numeric types', () => {
  it('matches NumberDecimal(1) with 1 and 1.0 and sorts by value', async () => {
    const coll = db.collection<Doc>('order');
    await coll.insertMany([
      { _id: 'd1', v: dec('1') },
      { _id: 'i1', v: 1 },
      { _id: 'dbl', v: new Double(1) },
      { _id: 'tenth-d', v: dec('0.1') },
      { _id: 'tenth-f', v: 0.1 },
      { _id: 'big', v: Long.fromString('9007199254740993') },
      { _id: 'big-d', v: dec('9007199254740992.5') },
      { _id: 'nan', v: dec('NaN') },
    ]);
    const ones = await coll.find({ v: dec('1.00') }).sort({ _id: 1 }).toArray();
    expect(ones.map((d) => d._id)).toEqual(['d1', 'dbl', 'i1']);
    expect((await coll.find({ v: 1 }).toArray()).length).toBe(3);
    // Decimal 0.1 is below the double nearest 0.1 (0.1000000000000000055…).
    const sorted = await coll.find({ v: { $ne: 1 } }).sort({ v: 1 }).toArray();
    expect(sorted.map((d) => d._id)).toEqual(['nan', 'tenth-d', 'tenth-f', 'big-d', 'big']);
    // The three ones and the double 0.1, which is just above the decimal 0.1.
    expect((await coll.find({ v: { $gt: dec('0.1'), $lt: 2 } }).toArray()).length).toBe(4);
    const distinct = await coll.distinct('v', { _id: { $in: ['d1', 'i1', 'dbl', 'tenth-d', 'tenth-f'] } });
    expect(distinct.length).toBe(3);
  });
});

describe('$group keys with Decimal128', () => {
  it('puts numerically equal decimals, ints and doubles in one group', async () => {
    const coll = db.collection<Doc>('prices');
    await coll.insertMany([
      { _id: 1, price: dec('1.0'), qty: 1 },
      { _id: 2, price: dec('1.00'), qty: 2 },
      { _id: 3, price: 1, qty: 3 },
      { _id: 4, price: dec('2.50'), qty: 4 },
      { _id: 5, price: 2.5, qty: 5 },
      { _id: 6, price: dec('0.1'), qty: 6 },
      { _id: 7, price: 0.1, qty: 7 },
    ]);
    const groups = await coll.aggregate([{ $sort: { _id: 1 } }, { $group: { _id: '$price', qty: { $sum: '$qty' } } }, { $sort: { _id: 1 } }]).toArray();
    // The first document of each group names it; decimal 0.1 and double 0.1 differ.
    expect(groups.map((g) => [String(g._id), g.qty])).toEqual([['0.1', 6], ['0.1', 7], ['1.0', 6], ['2.50', 9]]);
  });
});

describe('decimals in boolean contexts and window sums', () => {
  it('reads a decimal zero as false', async () => {
    expect(await evaluate({ $cond: [dec('0.00'), 'yes', 'no'] })).toBe('no');
    expect(await evaluate({ $cond: { if: dec('0.01'), then: 'yes', else: 'no' } })).toBe('yes');
    expect(await evaluate({ $and: [true, dec('0')] })).toBe(false);
    expect(await evaluate({ $or: [false, dec('-0.0'), dec('2')] })).toBe(true);
    expect(await evaluate({ $not: [dec('0')] })).toBe(true);
  });

  it('sums decimals exactly in $setWindowFields', async () => {
    const coll = db.collection<Doc>('ledger');
    await coll.insertMany([1, 2, 3].map((i) => ({ _id: i, amount: dec('0.10') })));
    const rows = await coll.aggregate([
      { $setWindowFields: { sortBy: { _id: 1 }, output: { running: { $sum: '$amount', window: { documents: ['unbounded', 'current'] } } } } },
    ]).toArray();
    expect(rows.map((r) => String(r.running))).toEqual(['0.10', '0.20', '0.30']);
  });
});

describe('statistics over decimals', () => {
  it('buckets decimal values by numeric order ($bucket)', async () => {
    const coll = db.collection<Doc>('buckets');
    await coll.insertMany([dec('5.00'), dec('15.50'), 12, dec('99.99'), 150].map((price, i) => ({ _id: i, price })));
    const out = await coll.aggregate([
      { $bucket: { groupBy: '$price', boundaries: [0, dec('10'), 100], default: 'other', output: { n: { $sum: 1 } } } },
    ]).toArray();
    expect(out.map((b) => [String(b._id), b.n])).toEqual([['0', 1], ['10', 3], ['other', 1]]);
  });

  it('computes $stdDevPop in double from decimal inputs, as mongod does', async () => {
    const coll = db.collection<Doc>('stats');
    await coll.insertMany([2, 4, 4, 4, 5, 5, 7, 9].map((n, i) => ({ _id: i, v: dec(String(n)) })));
    const [out] = await coll.aggregate([{ $group: { _id: null, sd: { $stdDevPop: '$v' } } }]).toArray();
    expect(out?.sd).toBe(2);
  });
});
