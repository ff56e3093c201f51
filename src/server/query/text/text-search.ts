// $text: { $search, $language, $caseSensitive, $diacriticSensitive } against a
// collection's text index. Terms are OR'ed; "quoted phrases" must all appear
// (their words also count as terms); -term / -"phrase" exclude documents.
// Score: per indexed string, each distinct term contributes
//   weight × (1 + 1/2 + … for its repeats) × (0.5 + 0.5 × count / tokensInString)
// (×1.1 when the string is that single term), summed over the query's positive
// terms. This follows the shape of mongod's v2/v3 scoring; absolute values may differ.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument } from '../bson-types.js';
import { resolvePath, splitPath } from '../paths.js';
import { recordTextScore } from '../query-metadata.js';
import type { TextIndexInfo } from './text-index.js';
import { canonicalLanguage, foldText, isSupportedLanguage, terms, type TokenOptions } from './tokenize.js';

export interface TextQuery {
  positive: string[];
  negative: string[];
  phrases: string[];
  negatedPhrases: string[];
}

/** Splits a $search string into words, quoted phrases and their negations. */
export function parseSearch(search: string): TextQuery {
  const query: TextQuery = { positive: [], negative: [], phrases: [], negatedPhrases: [] };
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const match of search.matchAll(pattern)) {
    if (match[2] !== undefined) {
      const phrase = match[2].trim();
      if (phrase === '') continue;
      if (match[1] === '-') query.negatedPhrases.push(phrase);
      else {
        query.phrases.push(phrase);
        query.positive.push(phrase);
      }
    } else if (match[3] !== undefined) {
      const word = match[3];
      if (word.startsWith('-') && word.length > 1) query.negative.push(word.slice(1));
      else query.positive.push(word);
    }
  }
  return query;
}

interface TextOperand {
  search: string;
  language: string | undefined;
  caseSensitive: boolean;
  diacriticSensitive: boolean;
}

function parseOperand(operand: unknown): TextOperand {
  if (!isPlainDocument(operand)) throw new CommandError(ErrorCodes.BadValue, '$text expects an object');
  const allowed = ['$search', '$language', '$caseSensitive', '$diacriticSensitive'];
  for (const key of Object.keys(operand)) {
    if (!allowed.includes(key)) throw new CommandError(ErrorCodes.BadValue, `extra fields in $text: ${key}`);
  }
  if (typeof operand.$search !== 'string') throw new CommandError(ErrorCodes.BadValue, '$search required and must be a string');
  for (const flag of ['$caseSensitive', '$diacriticSensitive']) {
    if (operand[flag] !== undefined && typeof operand[flag] !== 'boolean') throw new CommandError(ErrorCodes.BadValue, `${flag} requires a boolean value`);
  }
  if (operand.$language !== undefined && typeof operand.$language !== 'string') throw new CommandError(ErrorCodes.BadValue, '$language requires a string value');
  return {
    search: operand.$search,
    language: operand.$language === undefined ? undefined : canonicalLanguage(operand.$language),
    caseSensitive: operand.$caseSensitive === true,
    diacriticSensitive: operand.$diacriticSensitive === true,
  };
}

/** Every string under a value (for wildcard text indexes and arrays of strings). */
function strings(value: unknown, out: string[], deep: boolean): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out, deep);
  else if (deep && isPlainDocument(value)) for (const v of Object.values(value)) strings(v, out, deep);
}

/** The indexed strings of a document with their weights. */
function weightedStrings(doc: Document, index: TextIndexInfo): Array<{ text: string; weight: number }> {
  const out: Array<{ text: string; weight: number }> = [];
  const wildcard = index.weights.get('$**');
  for (const [path, weight] of index.weights) {
    if (path === '$**') continue;
    const found: string[] = [];
    for (const v of resolvePath(doc, splitPath(path))) strings(v, found, false);
    for (const text of found) out.push({ text, weight });
  }
  if (wildcard !== undefined) {
    for (const [field, value] of Object.entries(doc)) {
      if (field === '_id' || index.weights.has(field)) continue;
      const found: string[] = [];
      strings(value, found, true);
      for (const text of found) out.push({ text, weight: wildcard });
    }
  }
  return out;
}

function scoreString(tokens: string[], folded: string, weight: number, scores: Map<string, number>): void {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [term, count] of counts) {
    const freq = 2 - 2 ** (1 - count); // 1 + 1/2 + … + 1/2^(count-1)
    const coeff = 0.5 + (0.5 * count) / tokens.length;
    const exact = tokens.length === 1 && folded.trim() === term ? 1.1 : 1;
    scores.set(term, (scores.get(term) ?? 0) + weight * freq * coeff * exact);
  }
}

/** Compiles `$text` into a predicate that also records each matching document's score. */
export function compileTextSearch(operand: unknown, index: TextIndexInfo): (doc: Document) => boolean {
  const spec = parseOperand(operand);
  const query = parseSearch(spec.search);
  const fold = { caseSensitive: spec.caseSensitive, diacriticSensitive: spec.diacriticSensitive };
  const queryLanguage = spec.language ?? index.defaultLanguage;
  const tokenOptions = (language: string): TokenOptions => ({ language, ...fold });
  const positive = [...new Set(query.positive.flatMap((w) => terms(w, tokenOptions(queryLanguage))))];
  const negative = new Set(query.negative.flatMap((w) => terms(w, tokenOptions(queryLanguage))));
  const phrases = query.phrases.map((p) => foldText(p, fold));
  const negatedPhrases = query.negatedPhrases.map((p) => foldText(p, fold));
  return (doc) => {
    if (positive.length === 0) return false;
    const override = doc[index.languageOverride];
    const docLanguage = isSupportedLanguage(override) ? canonicalLanguage(override) : index.defaultLanguage;
    // As in mongod, a document is indexed in its own language and the query is tokenised in the query's.
    const language = docLanguage;
    const scores = new Map<string, number>();
    const texts: string[] = [];
    for (const { text, weight } of weightedStrings(doc, index)) {
      const folded = foldText(text, fold);
      texts.push(folded);
      scoreString(terms(text, tokenOptions(language)), folded, weight, scores);
    }
    if ([...negative].some((t) => scores.has(t))) return false;
    if (!phrases.every((p) => texts.some((t) => t.includes(p)))) return false;
    if (negatedPhrases.some((p) => texts.some((t) => t.includes(p)))) return false;
    let score = 0;
    for (const term of positive) score += scores.get(term) ?? 0;
    if (score <= 0) return false;
    recordTextScore(doc, score);
    return true;
  };
}
