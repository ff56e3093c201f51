// find replies built from stored bytes: types and order survive the wire, a
// compressed connection gets the same documents, default batches are 101.
import { describe, expect, it } from 'vitest';
import { Double, Int32, Long } from 'mongodb';
import { useServer } from '../support/server-fixture.js';

describe('find replies from stored bytes (official driver)', () => {
  const fixture = useServer();

  it('keeps Int32, integral Double and Long, with _id moved first', async () => {
    const coll = fixture.client.db('raw').collection('types');
    await coll.insertOne({ d: new Double(3), l: Long.fromNumber(4), i: new Int32(2), f: 1.5, _id: 7 } as never);
    const [doc] = await coll.find({}, { promoteValues: false }).toArray();
    expect(Object.keys(doc ?? {})).toEqual(['_id', 'd', 'l', 'i', 'f']);
    expect(doc?.d).toBeInstanceOf(Double);
    expect(doc?.l).toBeInstanceOf(Long);
    expect(doc?.i).toBeInstanceOf(Int32);
    const compressed = await fixture.newClient({ compressors: ['zlib'] });
    expect(await compressed.db('raw').collection('types').find({}, { promoteValues: false }).toArray()).toEqual([doc]);
  });

  it('returns 101 documents in the first batch when no batchSize is given', async () => {
    const coll = fixture.client.db('raw').collection('many');
    await coll.insertMany(Array.from({ length: 150 }, (_, i) => ({ _id: i })) as never);
    const reply = await fixture.client.db('raw').command({ find: 'many' });
    expect((reply.cursor as { firstBatch: unknown[] }).firstBatch).toHaveLength(101);
    expect(await coll.countDocuments()).toBe(150);
    expect(await coll.find({}).toArray()).toHaveLength(150);
  });
});
