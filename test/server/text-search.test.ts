// $text search through the official driver: text index specs as listIndexes shows
// them, term/phrase/negation semantics, stop words and Porter2 stemming, scores'
// relative order via { $meta: 'textScore' }, and mongod's errors.
import type { Collection, Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverFailure as failure } from '../support/server-failure.js';
import { useServer } from './support/server-fixture.js';

type Article = { _id: number; title?: string; body?: string; tags?: string[]; language?: string; n?: number };

const fixture = useServer();
let db: Db;
let articles: Collection<Article>;

beforeAll(async () => {
  db = fixture.client.db('textsearch');
  articles = db.collection<Article>('articles');
  await articles.insertMany([
    { _id: 1, title: 'Coffee shop guide', body: 'The best coffee in town, coffee and cake', n: 1 },
    { _id: 2, title: 'Tea time', body: 'Green tea and black tea', n: 2 },
    { _id: 3, title: 'Café culture', body: 'Espresso drinks at the CAFE', n: 3 },
    { _id: 4, title: 'Running shoes', body: 'Shoes for runners who run daily', n: 4 },
    { _id: 5, title: 'Coffee', body: 'tea', n: 5 },
    { _id: 6, body: 'no title here, only baking bread', n: 6 },
  ]);
  await articles.createIndex({ title: 'text', body: 'text' }, { weights: { title: 10 } });
});

async function ids(filter: object, options: object = {}): Promise<number[]> {
  const docs = await articles.find(filter, options).toArray();
  return docs.map((d) => d._id).sort((a, b) => a - b);
}

describe('text index specification', () => {
  it('lists the index in mongod form', async () => {
    const indexes = await articles.listIndexes().toArray();
    const text = indexes.find((ix) => ix.name === 'title_text_body_text');
    expect(text).toEqual({
      v: 2,
      key: { _fts: 'text', _ftsx: 1 },
      name: 'title_text_body_text',
      weights: { body: 1, title: 10 },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    });
  });

  it('allows only one text index per collection', async () => {
    // Every plain text index has the key { _fts: 'text', _ftsx: 1 }: a second one is an equivalent-key conflict.
    const error = await failure(articles.createIndex({ tags: 'text' }));
    expect(error.code).toBe(85);
    expect(error.message).toMatch(/equivalent index already exists/);
    const compound = await failure(articles.createIndex({ n: 1, tags: 'text' }));
    expect(compound.code).toBe(67);
    expect(compound.message).toMatch(/only one text index per collection allowed/);
  });

  it('re-creating the same text index is a no-op', async () => {
    await expect(articles.createIndex({ title: 'text', body: 'text' }, { weights: { title: 10 } })).resolves.toBe('title_text_body_text');
  });

  it('accepts a wildcard text index and an unsupported default_language fails', async () => {
    const other = db.collection('wild');
    await other.createIndex({ '$**': 'text' }, { default_language: 'spanish' });
    const [, wild] = await other.listIndexes().toArray();
    expect(wild).toMatchObject({ name: '$**_text', weights: { '$**': 1 }, default_language: 'spanish' });
    await other.insertMany([{ _id: 1, a: { b: ['Nested words'] } }, { _id: 2, c: 'nothing' }] as never[]);
    expect((await other.find({ $text: { $search: 'nested' } }).toArray()).map((d) => d._id)).toEqual([1]);
    const error = await failure(db.collection('badlang').createIndex({ a: 'text' }, { default_language: 'klingon' }));
    expect(error.code).toBe(2);
  });
});

describe('$text matching', () => {
  it('ORs the terms', async () => {
    expect(await ids({ $text: { $search: 'coffee tea' } })).toEqual([1, 2, 5]);
  });

  it('is case and diacritic insensitive by default, sensitive on request', async () => {
    expect(await ids({ $text: { $search: 'cafe' } })).toEqual([3]);
    expect(await ids({ $text: { $search: 'café', $diacriticSensitive: true } })).toEqual([3]);
    expect(await ids({ $text: { $search: 'CAFE', $caseSensitive: true } })).toEqual([3]);
    expect(await ids({ $text: { $search: 'Cafe', $caseSensitive: true, $diacriticSensitive: true } })).toEqual([]);
  });

  it('requires quoted phrases and excludes negated terms', async () => {
    expect(await ids({ $text: { $search: '"green tea"' } })).toEqual([2]);
    expect(await ids({ $text: { $search: 'tea -green' } })).toEqual([5]);
    expect(await ids({ $text: { $search: 'coffee -"coffee and cake"' } })).toEqual([5]);
    expect(await ids({ $text: { $search: '-coffee' } })).toEqual([]);
  });

  it('drops English stop words and stems with Porter2', async () => {
    expect(await ids({ $text: { $search: 'the and' } })).toEqual([]);
    expect(await ids({ $text: { $search: 'shoe' } })).toEqual([4]);
    expect(await ids({ $text: { $search: 'bake' } })).toEqual([6]);
    expect(await ids({ $text: { $search: 'baking' } })).toEqual([6]);
    // English documents never index 'the', whatever the query's language.
    expect(await ids({ $text: { $search: 'the', $language: 'none' } })).toEqual([]);
  });

  it('combines with other predicates, count, distinct, delete and update', async () => {
    expect(await ids({ $text: { $search: 'coffee tea' }, n: { $gt: 1 } })).toEqual([2, 5]);
    expect(await articles.countDocuments({ $text: { $search: 'coffee' } })).toBe(2);
    expect(await articles.distinct('n', { $text: { $search: 'tea' } })).toEqual([2, 5]);
    await articles.updateMany({ $text: { $search: 'espresso' } }, { $set: { tags: ['drinks'] } });
    expect((await articles.findOne({ _id: 3 }))?.tags).toEqual(['drinks']);
    const scratch = db.collection<Article>('scratch');
    await scratch.insertMany([{ _id: 1, body: 'delete me' }, { _id: 2, body: 'keep' }]);
    await scratch.createIndex({ body: 'text' });
    expect((await scratch.deleteMany({ $text: { $search: 'delete' } })).deletedCount).toBe(1);
  });

  it('honours the document language override', async () => {
    const langs = db.collection<Article>('langs');
    await langs.insertMany([{ _id: 1, body: 'the running', language: 'none' }, { _id: 2, body: 'the running' }]);
    await langs.createIndex({ body: 'text' });
    // Documents are indexed in their own language, the query in the query's language.
    expect((await langs.find({ $text: { $search: 'running' } }).toArray()).map((d) => d._id)).toEqual([2]);
    expect((await langs.find({ $text: { $search: 'running', $language: 'none' } }).toArray()).map((d) => d._id)).toEqual([1]);
  });
});

describe('textScore', () => {
  it('projects and sorts by score, title weight dominating', async () => {
    const docs = await articles
      .find({ $text: { $search: 'coffee' } }, { projection: { score: { $meta: 'textScore' }, title: 1 } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([5, 1]);
    const [first, second] = docs as Array<Article & { score: number }>;
    expect(first?.score).toBeGreaterThan(second?.score ?? Infinity);
    expect(second?.score).toBeGreaterThan(6);
    expect(Object.keys(first ?? {}).sort()).toEqual(['_id', 'score', 'title']);
  });

  it('more occurrences score higher at equal weight', async () => {
    const c = db.collection<Article>('freq');
    await c.insertMany([{ _id: 1, body: 'apple pie' }, { _id: 2, body: 'apple apple apple pie' }]);
    await c.createIndex({ body: 'text' });
    const docs = await c.find({ $text: { $search: 'apple' } }).sort({ s: { $meta: 'textScore' } }).toArray();
    expect(docs.map((d) => d._id)).toEqual([2, 1]);
  });

  it('works in aggregation with $meta in $project, $addFields and $sort', async () => {
    const docs = await articles.aggregate([
      { $match: { $text: { $search: 'tea coffee' } } },
      { $addFields: { score: { $meta: 'textScore' } } },
      { $sort: { score: -1 } },
      { $project: { _id: 1, score: 1, again: { $meta: 'textScore' } } },
    ]).toArray();
    expect(docs.map((d) => d._id)).toEqual([5, 2, 1]);
    for (const d of docs) expect(d.again).toBe(d.score);
    const sorted = await articles.aggregate([
      { $match: { $text: { $search: 'tea coffee' } } },
      { $project: { title: 1 } },
      { $sort: { s: { $meta: 'textScore' } } },
    ]).toArray();
    expect(sorted.map((d) => d._id)).toEqual([5, 2, 1]);
  });
});

describe('$text errors', () => {
  it('needs a text index', async () => {
    await db.collection('plain').insertOne({ a: 'x' });
    const error = await failure(db.collection('plain').find({ $text: { $search: 'x' } }).toArray());
    expect(error.code).toBe(27);
    expect(error.message).toContain('text index required for $text query');
  });

  it('only in the first $match stage', async () => {
    const error = await failure(articles.aggregate([{ $match: { n: 1 } }, { $match: { $text: { $search: 'coffee' } } }]).toArray());
    expect(error.code).toBe(17313);
  });

  it('rejects misplaced or repeated $text and malformed operands', async () => {
    expect((await failure(ids({ $nor: [{ $text: { $search: 'a' } }] }))).code).toBe(2);
    expect((await failure(ids({ $and: [{ $text: { $search: 'a' } }, { $text: { $search: 'b' } }] }))).code).toBe(2);
    expect((await failure(ids({ $text: { $search: 1 } }))).code).toBe(2);
    expect((await failure(ids({ $text: { $search: 'a', $caseSensitive: 'yes' } }))).code).toBe(2);
    expect((await failure(ids({ $text: { $search: 'a', $language: 'klingon' } }))).code).toBe(2);
  });

  it('in $or, the other clauses must be indexed', async () => {
    const error = await failure(ids({ $or: [{ $text: { $search: 'coffee' } }, { n: 4 }] }));
    expect(error.code).toBe(291);
    expect(await ids({ $or: [{ $text: { $search: 'coffee' } }, { _id: 4 }] })).toEqual([1, 4, 5]);
  });

  it('textScore projection without $text fails', async () => {
    const c = db.collection('noscore');
    await c.insertOne({ _id: 1 } as never);
    const error = await failure(c.find({}, { projection: { s: { $meta: 'textScore' } } }).toArray());
    expect(error.code).toBe(40218);
  });
});
