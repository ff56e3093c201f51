// Collects one source's options (connection string, TXT record or options
// object) into canonical-name → typed value, applying the table's rules for
// unknown keys, aliases, repeats and invalid values.
import { MongoInvalidArgumentError, MongoParseError } from '../../errors.js';
import { lookupOption, TXT_ALLOWED_OPTIONS, type OptionDefinition } from './option-table.js';
import { parseJsValue, parseTextValue, type OptionValue } from './option-values.js';
import type { RawOption } from './split.js';

export type OptionSource = 'connection string' | 'TXT record' | 'options object';

/** Canonical option name → value, for one source. */
export type OptionLayer = Map<string, OptionValue>;

/** Keys of the options object that are not connection-string options but are understood by the builder. */
export const OBJECT_ONLY_KEYS: readonly string[] = ['auth', 'readPreference', 'readConcern', 'writeConcern', 'driverInfo', 'serverApi'];

export function collectTextOptions(pairs: readonly RawOption[], source: 'connection string' | 'TXT record', warnings: string[]): OptionLayer {
  const layer: OptionLayer = new Map();
  const seen = new Map<string, string>(); // canonical name → first raw text, for repeat checks
  // A deprecated spelling is ignored when its replacement appears anywhere in the same source.
  const canonicalPresent = new Set<string>();
  for (const { key } of pairs) {
    const resolved = lookupOption(key);
    if (resolved && !resolved.alias?.deprecated) canonicalPresent.add(resolved.definition.name);
  }

  for (const { key, value } of pairs) {
    const resolved = lookupOption(key);
    if (!resolved) {
      if (source === 'TXT record') throw new MongoParseError(`option ${JSON.stringify(key)} is not allowed in a TXT record (allowed: ${TXT_ALLOWED_OPTIONS.join(', ')})`);
      warnings.push(`unsupported option ${JSON.stringify(key)} in the ${source} was ignored`);
      continue;
    }
    const { definition, alias } = resolved;
    if (source === 'TXT record' && !TXT_ALLOWED_OPTIONS.includes(definition.name)) {
      throw new MongoParseError(`option ${JSON.stringify(key)} is not allowed in a TXT record (allowed: ${TXT_ALLOWED_OPTIONS.join(', ')})`);
    }
    if (alias?.deprecated) {
      if (canonicalPresent.has(definition.name)) {
        warnings.push(`deprecated option ${JSON.stringify(key)} was ignored because ${JSON.stringify(definition.name)} is also present`);
        continue;
      }
      warnings.push(`option ${JSON.stringify(key)} is deprecated; use ${JSON.stringify(definition.name)} instead`);
    }
    const parsed = parseTextValue(definition, value);
    if (!parsed.ok) {
      const message = `invalid value for ${definition.name}: ${parsed.reason}`;
      if (parsed.fatal) throw new MongoParseError(message);
      warnings.push(`${message}; the option was ignored`);
      continue;
    }
    warnings.push(...parsed.warnings);
    const previous = seen.get(definition.name);
    if (previous !== undefined) {
      applyRepeat(layer, definition, parsed.value, previous, value, source, warnings);
    } else {
      layer.set(definition.name, parsed.value);
      seen.set(definition.name, value);
    }
  }
  return layer;
}

/** Options given in code: invalid values throw (a program error), unknown keys warn. */
export function collectObjectOptions(input: Readonly<Record<string, unknown>>, warnings: string[]): OptionLayer {
  const layer: OptionLayer = new Map();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || OBJECT_ONLY_KEYS.includes(key)) continue;
    const resolved = lookupOption(key);
    if (!resolved) {
      warnings.push(`unsupported option ${JSON.stringify(key)} in the options object was ignored`);
      continue;
    }
    const { definition, alias } = resolved;
    if (alias?.deprecated) warnings.push(`option ${JSON.stringify(key)} is deprecated; use ${JSON.stringify(definition.name)} instead`);
    const parsed = parseJsValue(definition, value);
    if (!parsed.ok) throw new MongoInvalidArgumentError(`invalid value for ${definition.name}: ${parsed.reason}`);
    warnings.push(...parsed.warnings);
    const existing = layer.get(definition.name);
    if (existing !== undefined && existing !== parsed.value) {
      throw new MongoInvalidArgumentError(`options ${JSON.stringify(key)} and ${JSON.stringify(definition.name)} disagree; give only one`);
    }
    layer.set(definition.name, parsed.value);
  }
  return layer;
}

function applyRepeat(
  layer: OptionLayer,
  definition: OptionDefinition,
  value: OptionValue,
  previousText: string,
  text: string,
  source: OptionSource,
  warnings: string[],
): void {
  switch (definition.repeat ?? 'warn-last-wins') {
    case 'append': {
      const before = layer.get(definition.name);
      layer.set(definition.name, [...(Array.isArray(before) ? before : []), ...(Array.isArray(value) ? value : [value])] as OptionValue);
      return;
    }
    case 'error':
      throw new MongoParseError(`option ${definition.name} may appear only once in the ${source}`);
    case 'same-or-error':
      // tls and ssl must all agree: a silent pick could turn TLS off.
      if (layer.get(definition.name) !== value) {
        throw new MongoParseError(`conflicting values for ${definition.name} (tls/ssl): ${JSON.stringify(previousText)} and ${JSON.stringify(text)}`);
      }
      return;
    case 'warn-last-wins':
      warnings.push(`option ${definition.name} appears more than once in the ${source}; the last value ${JSON.stringify(text)} is used`);
      layer.set(definition.name, value);
      return;
  }
}
