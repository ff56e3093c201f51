// Fails when a module in src/ imports from a layer above its own (see ARCHITECTURE.md).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Each layer and the layers it may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  'bson.ts': [],
  'errors.ts': ['bson.ts'],
  util: ['bson.ts', 'errors.ts'],
  concerns: ['bson.ts', 'errors.ts', 'util'],
  wire: ['bson.ts', 'errors.ts', 'util', 'concerns'],
  monitoring: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire'],
  auth: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring'],
  connection: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth'],
  sdam: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth', 'connection'],
  selection: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'sdam'],
  sessions: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth', 'connection', 'sdam', 'selection'],
  crud: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth', 'connection', 'sdam', 'selection', 'sessions'],
  'change-streams': ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth', 'connection', 'sdam', 'selection', 'sessions', 'crud'],
  gridfs: ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth', 'connection', 'sdam', 'selection', 'sessions', 'crud'],
  server: ['bson.ts', 'errors.ts', 'util', 'wire'],
  'index.ts': ['bson.ts', 'errors.ts', 'util', 'concerns', 'wire', 'monitoring', 'auth', 'connection', 'sdam', 'selection', 'sessions', 'crud', 'change-streams', 'gridfs'],
};

function layerOf(file: string): string {
  const rel = relative(SRC, file).split(/[\\/]/);
  return rel[0];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The test oracles and the mongod launcher (static, dynamic or sub-path imports): they may appear under
 * test/ and bench/, never in src/. The closing quote or "/" keeps mongodb-connection-string-url allowed.
 */
const ORACLE_IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](?:mongodb|mongosh|mongodb-memory-server|mongodb-memory-server-core)(?:\/[^'"]*)?['"]/;
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

describe('layer import direction', () => {
  const files = sourceFiles(SRC);

  it('knows every layer in src/', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => !(layer in ALLOWED));
    expect(unknown, 'add new layers to ALLOWED and ARCHITECTURE.md').toEqual([]);
  });

  it('imports only downward', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2];
        const target = layerOf(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        if (target !== from && !(ALLOWED[from] ?? []).includes(target)) {
          violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${target})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('imports bson only in src/bson.ts', () => {
    const offenders = files.filter((f) => !f.endsWith('/src/bson.ts') && /from\s+['"]bson['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('never imports the oracle packages', () => {
    const offenders = files.filter((f) => ORACLE_IMPORT.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('recognises every form of an oracle import (and no allowed package)', () => {
    const caught = [
      "import { MongoClient } from 'mongodb';",
      "import x from 'mongodb/lib/cmap/connection';",
      "import { MongoMemoryServer } from 'mongodb-memory-server';",
      "import { MongoMemoryReplSet } from \"mongodb-memory-server-core\";",
      "const m = await import('mongodb-memory-server-core');",
      "export { MongoClient } from 'mongosh';",
    ];
    const allowed = ["import { ConnectionString } from 'mongodb-connection-string-url';", "import { saslprep } from '@mongodb-js/saslprep';"];
    expect(caught.filter((s) => !ORACLE_IMPORT.test(s))).toEqual([]);
    expect(allowed.filter((s) => ORACLE_IMPORT.test(s))).toEqual([]);
  });
});
