// The spec benchmark documents (tweet, small_doc, large_doc), extracted once into
// .bench-data/ from the benchmarking corpus; generated look-alikes when it is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Document } from '../src/bson.js';

const ROOT = resolve(import.meta.dirname, '..');
const DATA_DIR = join(ROOT, '.bench-data');
const ARCHIVE = 'benchmarking/data/single_and_multi_document.tgz';
const FOLDER = 'single_and_multi_document';
const FILES = ['tweet.json', 'small_doc.json', 'large_doc.json'] as const;

export interface Corpus {
  tweet: Document;
  small: Document;
  large: Document;
  /** Where the documents came from (archive path, or "generated"). */
  source: string;
}

/** Same search order as test/support/specs-dir.ts, but looking for the benchmark archive. */
function findArchive(): string | undefined {
  const candidates = [process.env.MONGROVE_SPECS, resolve(ROOT, '../shared/specs'), resolve(ROOT, 'specs')];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, ARCHIVE))) return join(dir, ARCHIVE);
  }
  return undefined;
}

function extracted(): boolean {
  return FILES.every((f) => existsSync(join(DATA_DIR, FOLDER, f)));
}

function readJson(file: string): Document {
  return JSON.parse(readFileSync(join(DATA_DIR, FOLDER, file), 'utf8')) as Document;
}

export function loadCorpus(): Corpus {
  const archive = findArchive();
  if (archive) {
    if (!extracted()) {
      mkdirSync(DATA_DIR, { recursive: true });
      execFileSync('tar', ['-xzf', archive, '-C', DATA_DIR, ...FILES.map((f) => `${FOLDER}/${f}`)]);
    }
    return { tweet: readJson('tweet.json'), small: readJson('small_doc.json'), large: readJson('large_doc.json'), source: archive };
  }
  return { tweet: generatedTweet(), small: generatedSmall(), large: generatedLarge(), source: 'generated' };
}

// Deterministic pseudo-random text so generated runs are comparable with each other.
function textMaker(seed: number): (length: number) => string {
  let state = seed;
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return (length) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      out += alphabet[state % alphabet.length];
    }
    return out;
  };
}

function generatedSmall(): Document {
  const text = textMaker(1);
  const doc: Document = {};
  for (let i = 0; i < 7; i++) doc[text(8)] = text(8);
  for (let i = 0; i < 6; i++) doc[text(8)] = 1_000_000 + i * 12_345_679;
  return doc;
}

function generatedTweet(): Document {
  const text = textMaker(2);
  return {
    text: text(40),
    in_reply_to_status_id: 22773233453,
    retweet_count: null,
    created_at: 'Thu Sep 02 19:38:18 +0000 2010',
    truncated: false,
    entities: { user_mentions: [{ indices: [0, 9], screen_name: text(8), name: text(16), id: 41832464 }], urls: [], hashtags: [] },
    user: {
      friends_count: 179,
      location: text(24),
      verified: false,
      description: text(120),
      screen_name: text(10),
      followers_count: 168,
      statuses_count: 5001,
      profile_image_url: `http://a1.twimg.com/profile_images/${text(40)}.jpg`,
    },
    id: 22823319409,
  };
}

/** The shape of large_doc.json (~2.7 MB): ~94,000 flat fields, half 12-char strings, half integers. */
function generatedLarge(): Document {
  const text = textMaker(3);
  const doc: Document = {};
  for (let i = 0; i < 94_000; i++) doc[text(12)] = i % 2 === 0 ? text(12) : 100_000_000_000 + i * 7_919_003;
  return doc;
}
