// $text through the official driver with mongod's English analysis: Porter2 stems
// meet across word forms (consigned/consignment, generously/generous) and the
// full English stop-word list leaves stop-word-only searches empty.
import type { Collection } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from './support/server-fixture.js';

type Note = { _id: number; body: string };

const fixture = useServer();
let notes: Collection<Note>;

beforeAll(async () => {
  notes = fixture.client.db('textporter2').collection<Note>('notes');
  await notes.insertMany([
    { _id: 1, body: 'The goods were consigned yesterday' },
    { _id: 2, body: 'She gave generously to the knights' },
    { _id: 3, body: 'Skies over the consolidated harbour' },
    { _id: 4, body: 'Ourselves against further doing' },
  ]);
  await notes.createIndex({ body: 'text' });
});

async function ids(search: string): Promise<number[]> {
  const docs = await notes.find({ $text: { $search: search } }).sort({ _id: 1 }).toArray();
  return docs.map((d) => d._id);
}

describe('$text with Porter2 stemming and mongod English stop words', () => {
  it('matches across inflections and derivations', async () => {
    expect(await ids('consignment')).toEqual([1]);
    expect(await ids('generous knightly')).toEqual([2]);
    expect(await ids('sky consolidate')).toEqual([3]);
  });

  it('ignores words on mongod\'s English stop list', async () => {
    expect(await ids('ourselves against further doing')).toEqual([]);
    expect(await ids('because')).toEqual([]);
  });
});
