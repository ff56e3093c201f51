// Collection validators (create/collMod `validator`): a query filter, possibly
// with $jsonSchema, every inserted or updated document must match, subject to
// validationLevel (strict | moderate | off) and validationAction (error | warn).
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from '../query/bson-types.js';
import { compileFilter, type Predicate } from '../query/matcher.js';

const compiled = new WeakMap<Document, Predicate>();

function predicateOf(validator: Document): Predicate {
  let predicate = compiled.get(validator);
  if (!predicate) {
    predicate = compileFilter(validator);
    compiled.set(validator, predicate);
  }
  return predicate;
}

function firstOperator(validator: Document): string {
  const [key, value] = Object.entries(validator)[0] ?? ['$and', undefined];
  if (key.startsWith('$')) return key;
  if (isPlainDocument(value)) return Object.keys(value)[0] ?? '$eq';
  return '$eq';
}

/**
 * Throws DocumentValidationFailure (121) when `doc` breaks the collection's validator.
 * `previous` is the document an update replaces (moderate level skips documents that
 * were already invalid); `bypass` is the command's bypassDocumentValidation.
 */
export function enforceValidator(options: Document, doc: Document, previous?: Document, bypass = false): void {
  const validator = options.validator;
  if (bypass || !isPlainDocument(validator) || Object.keys(validator).length === 0) return;
  if (options.validationLevel === 'off' || options.validationAction === 'warn') return;
  const test = predicateOf(validator);
  if (test(doc)) return;
  if (previous && options.validationLevel === 'moderate' && !test(previous)) return;
  throw new CommandError(ErrorCodes.DocumentValidationFailure, 'Document failed validation', {
    errInfo: {
      failingDocumentId: doc._id,
      details: { operatorName: firstOperator(validator), specifiedAs: validator, reason: 'expression did not match' },
    },
  });
}
