// Text-search tokenisation: words are runs of letters/digits (Unicode-aware);
// case folding and diacritic removal unless asked to keep them; mongod's English
// stop words dropped; English terms stemmed with the Porter2 (English Snowball)
// stemmer, as mongod does. Other supported languages get no stemming and no stop
// words (SIMPLIFICATION: mongod stems and filters those too).
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { porter2 } from './porter2.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';

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
  const found = typeof name === 'string' && Object.hasOwn(LANGUAGES, name.toLowerCase()) ? LANGUAGES[name.toLowerCase()] : undefined;
  if (found === undefined) throw new CommandError(ErrorCodes.BadValue, `unsupported language: "${String(name)}" for text index version 3`);
  return found;
}

/** Whether a language name is supported (documents with others are indexed as 'none'). */
export function isSupportedLanguage(name: unknown): boolean {
  return typeof name === 'string' && Object.hasOwn(LANGUAGES, name.toLowerCase());
}

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
    out.push(options.language === 'english' ? porter2(word) : word);
  }
  return out;
}
