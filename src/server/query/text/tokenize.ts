// Text-search tokenisation: words are runs of letters/digits (Unicode-aware);
// case folding and diacritic removal unless asked to keep them; English stop
// words dropped; a tiny English suffix stripper stands in for mongod's Snowball
// stemmer (SIMPLIFICATION: it handles plural -s/-es/-ies, -ing, -ed, -ly only,
// so e.g. "ran"/"run" do not meet while "running"/"run" do). Other supported
// languages get no stemming and no stop words.
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';

/** Languages mongod's text index version 3 accepts (names and ISO 639-1 codes). */
const LANGUAGES: Record<string, string> = {
  none: 'none', danish: 'danish', da: 'danish', dutch: 'dutch', nl: 'dutch', english: 'english', en: 'english',
  finnish: 'finnish', fi: 'finnish', french: 'french', fr: 'french', german: 'german', de: 'german',
  hungarian: 'hungarian', hu: 'hungarian', italian: 'italian', it: 'italian', norwegian: 'norwegian', nb: 'norwegian',
  portuguese: 'portuguese', pt: 'portuguese', romanian: 'romanian', ro: 'romanian', russian: 'russian', ru: 'russian',
  spanish: 'spanish', es: 'spanish', swedish: 'swedish', sv: 'swedish', turkish: 'turkish', tr: 'turkish',
};

/** The canonical language name, or a BadValue as mongod reports an unsupported one. */
export function canonicalLanguage(name: unknown): string {
  const found = typeof name === 'string' ? LANGUAGES[name.toLowerCase()] : undefined;
  if (found === undefined) throw new CommandError(ErrorCodes.BadValue, `unsupported language: "${String(name)}" for text index version 3`);
  return found;
}

/** Whether a language name is supported (documents with others are indexed as 'none'). */
export function isSupportedLanguage(name: unknown): boolean {
  return typeof name === 'string' && LANGUAGES[name.toLowerCase()] !== undefined;
}

// A short English stop-word list (mongod's is longer).
const ENGLISH_STOP_WORDS = new Set([
  'a', 'about', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'he', 'her', 'his',
  'i', 'if', 'in', 'into', 'is', 'it', 'its', 'me', 'my', 'no', 'not', 'of', 'on', 'or', 'our', 'she', 'so', 'that',
  'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'we', 'were', 'what', 'when',
  'which', 'who', 'will', 'with', 'you', 'your',
]);

export interface TokenOptions {
  language: string;
  caseSensitive: boolean;
  diacriticSensitive: boolean;
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

export function foldText(text: string, options: Pick<TokenOptions, 'caseSensitive' | 'diacriticSensitive'>): string {
  let out = options.caseSensitive ? text : text.toLowerCase();
  if (!options.diacriticSensitive) out = out.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  return out;
}

function stemEnglish(word: string): string {
  const w = word.endsWith("'s") ? word.slice(0, -2) : word;
  const strip = (suffix: string, replacement = ''): string | undefined =>
    w.endsWith(suffix) && w.length - suffix.length >= 3 ? w.slice(0, -suffix.length) + replacement : undefined;
  const stem = strip('ies', 'y') ?? strip('ing') ?? strip('ed') ?? strip('ly')
    ?? (/(?:ss|sh|ch|x|z)es$/.test(w) ? strip('es') : undefined)
    ?? (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') ? strip('s') : undefined);
  if (stem === undefined) return w;
  // running → run, stopped → stop: undo a doubled final consonant left by -ing/-ed.
  return /([b-df-hj-np-tv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem) && (w.endsWith('ing') || w.endsWith('ed')) ? stem.slice(0, -1) : stem;
}

/** Whether `word` (already folded) is a stop word in the language. */
export function isStopWord(word: string, language: string): boolean {
  return language === 'english' && ENGLISH_STOP_WORDS.has(word.toLowerCase());
}

/** The index terms of a text: folded, stop words removed, stemmed. */
export function terms(text: string, options: TokenOptions): string[] {
  const out: string[] = [];
  for (const match of foldText(text, options).matchAll(WORD)) {
    const word = match[0];
    if (isStopWord(word, options.language)) continue;
    out.push(options.language === 'english' ? stemEnglish(word) : word);
  }
  return out;
}
