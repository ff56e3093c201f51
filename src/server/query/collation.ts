// Collation: locale-aware string comparison for commands (and collections) that
// carry a `collation` document. ICU is approximated with Intl.Collator: strength
// 1 ignores case and diacritics, 2 ignores case, 3 (the default) tells both apart.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument, toNumber } from './bson-types.js';

/** Compares two strings under a collation. */
export type StringComparator = (a: string, b: string) => -1 | 0 | 1;

const cache = new Map<string, StringComparator>();

function sensitivityOf(strength: number, caseLevel: boolean): 'base' | 'accent' | 'case' | 'variant' {
  if (strength <= 1) return caseLevel ? 'case' : 'base';
  if (strength === 2) return caseLevel ? 'variant' : 'accent';
  return 'variant';
}

function bad(message: string): CommandError {
  return new CommandError(ErrorCodes.BadValue, message);
}

/**
 * The comparator a collation document asks for; undefined for no collation or
 * the "simple" locale (binary comparison). Malformed documents are BadValue.
 */
export function collatorFor(spec: unknown): StringComparator | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isPlainDocument(spec)) throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'collation' is the wrong type, expected type 'object'");
  if (typeof spec.locale !== 'string') throw new CommandError(ErrorCodes.IDLFailedToParse, "BSON field 'collation.locale' is missing but a required field");
  if (spec.locale === 'simple') return undefined;
  const key = JSON.stringify(normalizedSpec(spec));
  const cached = cache.get(key);
  if (cached) return cached;
  const comparator = buildComparator(spec);
  cache.set(key, comparator);
  return comparator;
}

function normalizedSpec(spec: Document): Document {
  return {
    locale: spec.locale,
    strength: spec.strength === undefined ? 3 : toNumber(spec.strength),
    caseLevel: spec.caseLevel === true,
    caseFirst: spec.caseFirst ?? 'off',
    numericOrdering: spec.numericOrdering === true,
  };
}

function buildComparator(spec: Document): StringComparator {
  const { locale, strength, caseLevel, caseFirst, numericOrdering } = normalizedSpec(spec);
  if (typeof strength !== 'number' || !Number.isInteger(strength) || strength < 1 || strength > 5) {
    throw bad(`unable to parse collation: strength must be an integer 1 through 5, found ${String(spec.strength)}`);
  }
  if (caseFirst !== 'upper' && caseFirst !== 'lower' && caseFirst !== 'off') {
    throw bad(`unable to parse collation: caseFirst must be 'upper', 'lower' or 'off', found ${String(caseFirst)}`);
  }
  const tag = String(locale).replace(/_/g, '-');
  let collator: Intl.Collator;
  try {
    collator = new Intl.Collator(tag, {
      sensitivity: sensitivityOf(strength, caseLevel === true),
      caseFirst: caseFirst === 'off' ? 'false' : caseFirst,
      numeric: numericOrdering === true,
      usage: 'sort',
    });
  } catch {
    throw bad(`Field 'locale' is invalid in: ${JSON.stringify(spec)}`);
  }
  return (a, b) => {
    const c = collator.compare(a, b);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  };
}
