// The Porter2 (English Snowball) stemmer against word → stem pairs from the
// Snowball English stemmer's published sample vocabulary, plus the algorithm's
// exceptional forms, and mongod's English stop-word list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { porter2 } from '../../../src/server/query/text/porter2.js';
import { ENGLISH_STOP_WORDS } from '../../../src/server/query/text/stop-words.js';
import { isStopWord, terms } from '../../../src/server/query/text/tokenize.js';

const SNOWBALL_SAMPLES: Record<string, string> = {
  consign: 'consign', consigned: 'consign', consigning: 'consign', consignment: 'consign',
  consist: 'consist', consisted: 'consist', consistency: 'consist', consistent: 'consist', consistently: 'consist',
  consisting: 'consist', consists: 'consist', consolation: 'consol', consolations: 'consol', consolatory: 'consolatori',
  console: 'consol', consoled: 'consol', consoles: 'consol', consolidate: 'consolid', consolidated: 'consolid',
  consolidating: 'consolid', consoling: 'consol', consolingly: 'consol', consols: 'consol', consonant: 'conson',
  consort: 'consort', consorted: 'consort', consorting: 'consort', conspicuous: 'conspicu', conspicuously: 'conspicu',
  conspiracy: 'conspiraci', conspirator: 'conspir', conspirators: 'conspir', conspire: 'conspir', conspired: 'conspir',
  conspiring: 'conspir', constable: 'constabl', constables: 'constabl', constance: 'constanc', constancy: 'constanc',
  constant: 'constant', knack: 'knack', knackeries: 'knackeri', knaves: 'knave', knavish: 'knavish', kneaded: 'knead',
  kneel: 'kneel', kneeling: 'kneel', knees: 'knee', knell: 'knell', knelt: 'knelt', knew: 'knew', knife: 'knife',
  knight: 'knight', knightly: 'knight', knights: 'knight', knit: 'knit', knits: 'knit', knitted: 'knit',
  knitting: 'knit', knives: 'knive', knob: 'knob', knobs: 'knob', knock: 'knock', knocked: 'knock', knocker: 'knocker',
  knockers: 'knocker', knocking: 'knock', knocks: 'knock', knopp: 'knopp', knot: 'knot', knots: 'knot',
};

describe('Porter2 stemmer', () => {
  it('stems the Snowball sample vocabulary', () => {
    const wrong = Object.entries(SNOWBALL_SAMPLES).filter(([word, stem]) => porter2(word) !== stem);
    expect(wrong.map(([word, stem]) => `${word}: ${porter2(word)} != ${stem}`)).toEqual([]);
  });

  it('honours the exceptional forms and the special R1 prefixes', () => {
    expect(['skies', 'dying', 'lying', 'news', 'only', 'early', 'atlas'].map(porter2))
      .toEqual(['sky', 'die', 'lie', 'news', 'onli', 'earli', 'atlas']);
    expect(['generously', 'generate', 'communism', 'arsenal'].map(porter2)).toEqual(['generous', 'generat', 'communism', 'arsenal']);
    expect(['inning', 'proceed', 'succeed', 'exceeding'].map(porter2)).toEqual(['inning', 'proceed', 'succeed', 'exceed']);
  });

  it('runs steps 0 to 5 (apostrophes, plurals, -ed/-ing, y → i, derivational suffixes)', () => {
    expect(["dog's", "dogs'", 'caresses', 'ties', 'cries', 'gaps', 'gas', 'kiwis'].map(porter2))
      .toEqual(['dog', 'dog', 'caress', 'tie', 'cri', 'gap', 'gas', 'kiwi']);
    expect(['running', 'hopping', 'hoping', 'luxuriating', 'agreed', 'feed'].map(porter2))
      .toEqual(['run', 'hop', 'hope', 'luxuri', 'agre', 'feed']);
    expect(['happy', 'cry', 'by', 'say', 'yelling'].map(porter2)).toEqual(['happi', 'cri', 'by', 'say', 'yell']);
    expect(['relational', 'hopefulness', 'electrical', 'adjustment', 'adoption', 'controll', 'roll'].map(porter2))
      .toEqual(['relat', 'hope', 'electr', 'adjust', 'adopt', 'control', 'roll']);
    expect(['a', 'is', 'at'].map(porter2)).toEqual(['a', 'is', 'at']);
  });

  it('never lengthens a word and keeps lower-case letters lower-case (y restored)', () => {
    const word = fc.stringMatching(/^'?[a-z]{1,14}(?:'s?)?$/);
    fc.assert(fc.property(word, (w) => {
      const stem = porter2(w);
      expect(stem.length).toBeLessThanOrEqual(w.length);
      expect(stem).toMatch(/^[a-z']*$/);
    }));
  });
});

describe("mongod's English stop words", () => {
  it('holds the 174 words mongod ships, contractions included', () => {
    expect(ENGLISH_STOP_WORDS.size).toBe(174);
    for (const word of ['because', 'ourselves', "shouldn't", 'ought', 'nor', 'against']) expect(isStopWord(word, 'english')).toBe(true);
    for (const word of ['coffee', 'will', 'just', 'can']) expect(isStopWord(word, 'english')).toBe(false);
    expect(isStopWord('because', 'none')).toBe(false);
  });

  it('drops them before stemming', () => {
    const english = { language: 'english', caseSensitive: false, diacriticSensitive: false };
    expect(terms("Because we couldn't stop: running generously", english)).toEqual(['stop', 'run', 'generous']);
  });
});
