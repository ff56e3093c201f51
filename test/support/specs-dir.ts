// Where the spec test corpus lives: MONGROVE_SPECS, else ../shared/specs beside
// the checkout, else specs/ (filled by `npm run specs:sync`).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export function specsDir(): string {
  const candidates = [process.env.MONGROVE_SPECS, resolve(ROOT, '../shared/specs'), resolve(ROOT, 'specs')];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'crud'))) return dir;
  }
  throw new Error(
    'spec corpus not found: set MONGROVE_SPECS, place it at ../shared/specs, or run `npm run specs:sync`',
  );
}

export interface SpecFile<T = unknown> {
  /** Path relative to the suite folder, e.g. "tests/unified/insertOne.json". */
  name: string;
  path: string;
  content: T;
}

/** Every JSON file under <specs>/<suite>/<sub>, sorted by path. */
export function specFiles<T = unknown>(suite: string, sub = ''): SpecFile<T>[] {
  const base = join(specsDir(), suite);
  const dir = join(base, sub);
  if (!existsSync(dir)) throw new Error(`spec folder missing: ${dir}`);
  const out: SpecFile<T>[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.json')) {
        out.push({ name: relative(base, full), path: full, content: JSON.parse(readFileSync(full, 'utf8')) as T });
      }
    }
  };
  walk(dir);
  return out;
}
