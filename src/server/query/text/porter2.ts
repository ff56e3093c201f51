// The Porter2 ("English Snowball") stemmer, the stemmer mongod applies to English
// text-index terms, written from the algorithm's published description: the
// exceptional forms, the R1/R2 regions, steps 0–5. Words keep their case (as in
// mongod, a case-sensitive index stems the word as written; capitals count as
// non-vowels).

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const DOUBLES = ['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'];
const LI_ENDINGS = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

/** Whole words with a fixed stem, looked up before any step runs. */
const EXCEPTIONS = new Map(Object.entries({
  skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl', ugly: 'ugli',
  early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas',
  cosmos: 'cosmos', bias: 'bias', andes: 'andes',
}));
/** Words left alone once step 1a has run. */
const AFTER_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);
/** Prefixes whose R1 starts right after them (instead of the usual rule). */
const R1_PREFIXES = ['gener', 'commun', 'arsen'];

const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'],
  ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'],
  ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'],
  ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', ''],
];
const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'], ['ative', ''],
  ['ical', 'ic'], ['ness', ''], ['ful', ''],
];
const STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize',
  'ion', 'al', 'er', 'ic'];

const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.has(c);

/** Start of the region after the first non-vowel that follows a vowel, at or after `from`. */
function regionAfter(word: string, from: number): number {
  for (let i = from + 1; i < word.length; i++) {
    if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
  }
  return word.length;
}

/** Whether the word ends in a short syllable. */
function endsShortSyllable(word: string): boolean {
  const n = word.length;
  if (n === 2) return isVowel(word[0]) && !isVowel(word[1]);
  if (n < 3) return false;
  const [a, b, c] = [word[n - 3], word[n - 2], word[n - 1]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== 'w' && c !== 'x' && c !== 'Y';
}

function longestSuffix<T extends string>(word: string, suffixes: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const s of suffixes) if (word.endsWith(s) && (best === undefined || s.length > best.length)) best = s;
  return best;
}

class Stemming {
  r1: number;
  r2: number;
  constructor(public word: string) {
    const prefix = R1_PREFIXES.find((p) => word.startsWith(p));
    this.r1 = prefix !== undefined ? prefix.length : regionAfter(word, 0);
    this.r2 = regionAfter(word, this.r1);
  }

  inR1(suffix: string): boolean { return this.word.length - suffix.length >= this.r1; }
  inR2(suffix: string): boolean { return this.word.length - suffix.length >= this.r2; }
  replace(suffix: string, by: string): void { this.word = this.word.slice(0, this.word.length - suffix.length) + by; }
  isShort(): boolean { return endsShortSyllable(this.word) && this.r1 >= this.word.length; }

  step0(): void {
    const s = longestSuffix(this.word, ["'s'", "'s", "'"]);
    if (s !== undefined) this.replace(s, '');
  }

  step1a(): void {
    const s = longestSuffix(this.word, ['sses', 'ied', 'ies', 'us', 'ss', 's']);
    if (s === 'sses') this.replace(s, 'ss');
    else if (s === 'ied' || s === 'ies') this.replace(s, this.word.length > 4 ? 'i' : 'ie');
    else if (s === 's') {
      // Delete only if a vowel occurs before the letter preceding the s (gaps → gap, gas stays).
      const before = this.word.slice(0, -2);
      if ([...before].some((c) => isVowel(c))) this.replace(s, '');
    }
  }

  step1b(): void {
    const s = longestSuffix(this.word, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
    if (s === undefined) return;
    if (s === 'eed' || s === 'eedly') {
      if (this.inR1(s)) this.replace(s, 'ee');
      return;
    }
    const stem = this.word.slice(0, this.word.length - s.length);
    if (![...stem].some((c) => isVowel(c))) return;
    this.word = stem;
    if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) this.word += 'e';
    else if (DOUBLES.some((d) => stem.endsWith(d))) this.word = stem.slice(0, -1);
    else if (this.isShort()) this.word += 'e';
  }

  step1c(): void {
    const n = this.word.length;
    const last = this.word[n - 1];
    if ((last === 'y' || last === 'Y') && n > 2 && !isVowel(this.word[n - 2])) this.replace(last, 'i');
  }

  step2(): void {
    const s = longestSuffix(this.word, STEP2.map(([suffix]) => suffix));
    if (s === undefined || !this.inR1(s)) return;
    const before = this.word[this.word.length - s.length - 1];
    if (s === 'ogi' && before !== 'l') return;
    if (s === 'li' && (before === undefined || !LI_ENDINGS.has(before))) return;
    const entry = STEP2.find(([suffix]) => suffix === s);
    if (entry !== undefined) this.replace(s, entry[1]);
  }

  step3(): void {
    const s = longestSuffix(this.word, STEP3.map(([suffix]) => suffix));
    if (s === undefined || !this.inR1(s)) return;
    if (s === 'ative' && !this.inR2(s)) return;
    const entry = STEP3.find(([suffix]) => suffix === s);
    if (entry !== undefined) this.replace(s, entry[1]);
  }

  step4(): void {
    const s = longestSuffix(this.word, STEP4);
    if (s === undefined || !this.inR2(s)) return;
    if (s === 'ion') {
      const before = this.word[this.word.length - 4];
      if (before !== 's' && before !== 't') return;
    }
    this.replace(s, '');
  }

  step5(): void {
    const n = this.word.length;
    if (this.word.endsWith('e')) {
      if (this.inR2('e') || (this.inR1('e') && !endsShortSyllable(this.word.slice(0, -1)))) this.replace('e', '');
    } else if (this.word.endsWith('l') && this.inR2('l') && this.word[n - 2] === 'l') {
      this.replace('l', '');
    }
  }
}

/** The Porter2 stem of an English word. */
export function porter2(input: string): string {
  const fixed = EXCEPTIONS.get(input);
  if (fixed !== undefined) return fixed;
  if (input.length <= 2) return input;
  let word = input.startsWith("'") ? input.slice(1) : input;
  // A y that starts the word or follows a vowel is a consonant: mark it Y.
  let marked = '';
  for (const c of word) marked += c === 'y' && (marked === '' || isVowel(marked[marked.length - 1])) ? 'Y' : c;
  word = marked;
  const s = new Stemming(word);
  s.step0();
  s.step1a();
  if (AFTER_1A.has(s.word)) return s.word;
  s.step1b();
  s.step1c();
  s.step2();
  s.step3();
  s.step4();
  s.step5();
  return s.word.replace(/Y/g, 'y');
}
