// Logger configuration from MONGODB_LOG_* environment variables and client options
// (logging spec). Programmatic options win over the environment; within each source
// a component's own setting wins over the "all"/default one. Invalid environment values
// are ignored (recorded as warnings, never thrown); invalid client options throw.
import { MongoInvalidArgumentError } from '../../errors.js';
import type { LogSink } from './destination.js';
import { LOG_COMPONENTS, isLogComponent, parseLevelSetting, type LogComponent, type LogLevelSetting } from './severity.js';
import { DEFAULT_MAX_DOCUMENT_LENGTH } from './stringify.js';

export const COMPONENT_ENV_VARIABLES: Readonly<Record<LogComponent, string>> = Object.freeze({
  command: 'MONGODB_LOG_COMMAND',
  topology: 'MONGODB_LOG_TOPOLOGY',
  serverSelection: 'MONGODB_LOG_SERVER_SELECTION',
  connection: 'MONGODB_LOG_CONNECTION',
});

export type LogEnvironment = Readonly<Record<string, string | undefined>>;

/** Where log lines go: a standard stream, a file appended to, or a programmatic sink. */
export type LogDestinationSetting = 'stdout' | 'stderr' | { readonly path: string } | LogSink;

export type ComponentSeverities = Readonly<Record<LogComponent, LogLevelSetting>>;

export interface MongoLoggerClientOptions {
  /** "stdout", "stderr" (case-insensitive), a file path, or a sink receiving structured records. */
  readonly mongodbLogPath?: string | LogSink;
  /** Minimum severity per component; `default` applies to components not named. */
  readonly mongodbLogComponentSeverities?: Readonly<Partial<Record<LogComponent | 'default', LogLevelSetting>>>;
  /** Longest extended JSON logged for a document before truncation (default 1000). */
  readonly mongodbLogMaxDocumentLength?: number;
}

export interface MongoLoggerSettings {
  readonly componentSeverities: ComponentSeverities;
  readonly maxDocumentLength: number;
  readonly destination: LogDestinationSetting;
  /** Environment values that were ignored, and why. */
  readonly warnings: readonly string[];
}

export function resolveLoggerSettings(env: LogEnvironment, options: MongoLoggerClientOptions = {}): MongoLoggerSettings {
  const warnings: string[] = [];
  const fromEnv = (name: string): LogLevelSetting | undefined => {
    const raw = env[name];
    const parsed = parseLevelSetting(raw);
    if (raw !== undefined && parsed === undefined) warnings.push(`${name}=${JSON.stringify(raw)} is not a log level; ignored`);
    return parsed;
  };
  const programmatic = validateSeverities(options.mongodbLogComponentSeverities);
  const envAll = fromEnv('MONGODB_LOG_ALL');
  const componentSeverities = {} as Record<LogComponent, LogLevelSetting>;
  for (const component of LOG_COMPONENTS) {
    componentSeverities[component] =
      programmatic[component] ?? fromEnv(COMPONENT_ENV_VARIABLES[component]) ?? programmatic.default ?? envAll ?? 'off';
  }
  return {
    componentSeverities: Object.freeze(componentSeverities),
    maxDocumentLength: validateMaxLength(options.mongodbLogMaxDocumentLength) ?? envMaxLength(env, warnings) ?? DEFAULT_MAX_DOCUMENT_LENGTH,
    destination: optionDestination(options.mongodbLogPath) ?? envDestination(env, warnings),
    warnings,
  };
}

function validateSeverities(
  value: MongoLoggerClientOptions['mongodbLogComponentSeverities'],
): Partial<Record<LogComponent | 'default', LogLevelSetting>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) {
    throw new MongoInvalidArgumentError('mongodbLogComponentSeverities must be an object of component → severity');
  }
  const out: Partial<Record<LogComponent | 'default', LogLevelSetting>> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (raw === undefined) continue;
    if (key !== 'default' && !isLogComponent(key)) {
      throw new MongoInvalidArgumentError(`mongodbLogComponentSeverities has unknown component "${key}"; expected default, ${LOG_COMPONENTS.join(', ')}`);
    }
    const level = typeof raw === 'string' ? parseLevelSetting(raw) : undefined;
    if (level === undefined) {
      throw new MongoInvalidArgumentError(`mongodbLogComponentSeverities.${key} is not a log level: ${JSON.stringify(raw)}`);
    }
    out[key] = level;
  }
  return out;
}

function validateMaxLength(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MongoInvalidArgumentError(`mongodbLogMaxDocumentLength must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function envMaxLength(env: LogEnvironment, warnings: string[]): number | undefined {
  const raw = env.MONGODB_LOG_MAX_DOCUMENT_LENGTH;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  const value = Number(trimmed);
  if (/^\d+$/.test(trimmed) && Number.isSafeInteger(value)) return value;
  warnings.push(`MONGODB_LOG_MAX_DOCUMENT_LENGTH=${JSON.stringify(raw)} is not a non-negative integer; ignored`);
  return undefined;
}

function optionDestination(value: MongoLoggerClientOptions['mongodbLogPath']): LogDestinationSetting | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (value.trim() === '') throw new MongoInvalidArgumentError('mongodbLogPath must not be empty');
    return namedStream(value) ?? { path: value };
  }
  if (typeof value === 'object' && value !== null && typeof value.write === 'function') return value;
  throw new MongoInvalidArgumentError('mongodbLogPath must be "stdout", "stderr", a file path or an object with a write(record) method');
}

// The spec's default (and fallback for an invalid value) is stderr.
function envDestination(env: LogEnvironment, warnings: string[]): LogDestinationSetting {
  const raw = env.MONGODB_LOG_PATH;
  if (raw === undefined) return 'stderr';
  if (raw.trim() === '') {
    warnings.push('MONGODB_LOG_PATH is empty; logging to stderr');
    return 'stderr';
  }
  return namedStream(raw) ?? { path: raw };
}

function namedStream(value: string): 'stdout' | 'stderr' | undefined {
  const lower = value.trim().toLowerCase();
  return lower === 'stdout' || lower === 'stderr' ? lower : undefined;
}
