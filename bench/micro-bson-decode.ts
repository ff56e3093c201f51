// Micro benchmark: src/wire/bson-decode against bson.deserialize on the spec corpus documents
// (tweet, small_doc) one at a time and as cursor batches. Run by hand: npx tsx bench/micro-bson-decode.ts
import { deserialize, serialize, type Document } from '../src/bson.js';
import { decodeCursorBatch, decodeDocument } from '../src/wire/bson-decode/index.js';
import { loadCorpus } from './corpus.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ROUND_MS = Number(process.env.ROUND_MS ?? 400);

interface Case {
  name: string;
  docsPerCall: number;
  bson: () => unknown;
  ours: () => unknown;
}

function cursorReply(documents: Document[]): Uint8Array {
  return serialize({ cursor: { firstBatch: documents, id: 1234567890123n, ns: 'bench.corpus' }, ok: 1 });
}

function cases(): Case[] {
  const corpus = loadCorpus();
  console.log(`corpus: ${corpus.source}`);
  // Distinct documents (as a real batch has), varied by _id and a counter.
  const tweets = Array.from({ length: 101 }, (_, i) => ({ ...corpus.tweet, _id: i, n: i * 7 }));
  const smalls = Array.from({ length: 101 }, (_, i) => ({ ...corpus.small, _id: i }));
  const tweetBytes = tweets.map((t) => serialize(t));
  const smallBytes = smalls.map((s) => serialize(s));
  const tweetReply = cursorReply(tweets);
  const smallReply = cursorReply(smalls);
  let i = 0;
  return [
    { name: 'tweet, one document', docsPerCall: 1, bson: () => deserialize(tweetBytes[i++ % 101]), ours: () => decodeDocument(tweetBytes[i++ % 101]) },
    { name: 'small_doc, one document', docsPerCall: 1, bson: () => deserialize(smallBytes[i++ % 101]), ours: () => decodeDocument(smallBytes[i++ % 101]) },
    { name: 'tweet, cursor batch of 101', docsPerCall: 101, bson: () => deserialize(tweetReply), ours: () => decodeCursorBatch(tweetReply) },
    { name: 'small_doc, cursor batch of 101', docsPerCall: 101, bson: () => deserialize(smallReply), ours: () => decodeCursorBatch(smallReply) },
  ];
}

function docsPerSecond(fn: () => unknown, docsPerCall: number): number {
  const deadline = performance.now() + ROUND_MS;
  let calls = 0;
  const started = performance.now();
  let now = started;
  while (now < deadline) {
    for (let k = 0; k < 50; k++) fn();
    calls += 50;
    now = performance.now();
  }
  return (calls * docsPerCall) / ((now - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const format = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(11);

const only = process.env.ONLY;
for (const c of cases().filter((x) => only === undefined || x.name.includes(only))) {
  docsPerSecond(c.bson, c.docsPerCall); // warm-up
  docsPerSecond(c.ours, c.docsPerCall);
  const bson: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so drift in machine load hits both sides alike.
    if (r % 2 === 0) {
      bson.push(docsPerSecond(c.bson, c.docsPerCall));
      ours.push(docsPerSecond(c.ours, c.docsPerCall));
    } else {
      ours.push(docsPerSecond(c.ours, c.docsPerCall));
      bson.push(docsPerSecond(c.bson, c.docsPerCall));
    }
  }
  const b = median(bson);
  const o = median(ours);
  console.log(`${c.name.padEnd(32)} bson ${format(b)} docs/s   ours ${format(o)} docs/s   ratio ${(o / b).toFixed(2)}x`);
}
