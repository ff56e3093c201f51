// Optional compression packages, loaded on first use so that applications which never
// negotiate snappy or zstd need not install them.
import { createRequire } from 'node:module';
import { MongoMissingDependencyError } from '../errors.js';

export interface SnappyModule {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options: { asBuffer: true }): string | Buffer;
  compress(input: Uint8Array): Promise<Buffer>;
  uncompress(input: Uint8Array, options: { asBuffer: true }): Promise<string | Buffer>;
}

export interface ZstdModule {
  compress(input: Buffer, level?: number): Promise<Buffer>;
  decompress(input: Buffer): Promise<Buffer>;
}

const requireOptional = createRequire(import.meta.url);

type Loaded<T> = { module: T } | { error: unknown };
let snappy: Loaded<SnappyModule> | undefined;
let zstd: Loaded<ZstdModule> | undefined;

function hasFunctions(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

function load<T>(name: string, functions: readonly string[]): Loaded<T> {
  try {
    const loaded: unknown = requireOptional(name);
    if (!hasFunctions(loaded, functions)) {
      return { error: new TypeError(`'${name}' does not export ${functions.join(', ')}`) };
    }
    return { module: loaded as T };
  } catch (error) {
    return { error };
  }
}

export function loadSnappy(): SnappyModule {
  snappy ??= load<SnappyModule>('snappy', ['compressSync', 'uncompressSync', 'compress', 'uncompress']);
  if ('module' in snappy) return snappy.module;
  throw new MongoMissingDependencyError('snappy', 'for snappy wire compression', { cause: snappy.error });
}

export function loadZstd(): ZstdModule {
  zstd ??= load<ZstdModule>('@mongodb-js/zstd', ['compress', 'decompress']);
  if ('module' in zstd) return zstd.module;
  throw new MongoMissingDependencyError('@mongodb-js/zstd', 'for zstd wire compression', { cause: zstd.error });
}
