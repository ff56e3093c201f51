// Loads a unified test file: validates the raw JSON against the spec's schema
// (rejecting unknown fields), checks schemaVersion compatibility, then converts
// Extended JSON into BSON values (relaxed: plain numbers stay numbers).
import { EJSON } from '../../src/bson.js';
import type { Document } from '../../src/bson.js';
import { specFiles } from '../support/specs-dir.js';
import { SchemaValidator, type JsonSchema } from './json-schema.js';
import type { UnifiedFile } from './model.js';
import { isSchemaVersionSupported, SUPPORTED_SCHEMA_VERSION } from './version.js';

export class UnifiedFormatError extends Error {
  override get name(): string {
    return 'UnifiedFormatError';
  }
}

let validator: SchemaValidator | undefined;

function schemaValidator(): SchemaValidator {
  if (validator) return validator;
  const file = specFiles<JsonSchema>('unified-test-format', 'schema').find((f) => f.name.endsWith('schema-latest.json'));
  if (!file) throw new UnifiedFormatError('unified-test-format/schema/schema-latest.json not found in the spec corpus');
  validator = new SchemaValidator(file.content);
  return validator;
}

/** Validates and converts one file's parsed JSON; throws UnifiedFormatError naming every problem found. */
export function loadUnifiedFile(raw: unknown, name: string): UnifiedFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UnifiedFormatError(`${name}: a unified test file must be a JSON object`);
  }
  const version = (raw as Document).schemaVersion;
  if (typeof version === 'string' && !isSchemaVersionSupported(version)) {
    throw new UnifiedFormatError(
      `${name}: schemaVersion "${version}" is not supported (this runner implements up to ${SUPPORTED_SCHEMA_VERSION.slice(0, 2).join('.')})`,
    );
  }
  const violations = schemaValidator().validate(raw);
  if (violations.length > 0) {
    const shown = violations.slice(0, 5).map((v) => `${v.path} ${v.message}`).join('; ');
    throw new UnifiedFormatError(`${name}: invalid unified test file: ${shown}`);
  }
  return EJSON.deserialize(raw as Document, { relaxed: true }) as UnifiedFile;
}
