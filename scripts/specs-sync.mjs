// Fetches the pinned spec test corpus (JSON tests only) into specs/, for machines
// that have neither ../shared/specs nor MONGROVE_SPECS. Needs git and network access.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, dirname } from 'node:path';
import { mkdirSync } from 'node:fs';

const COMMIT = '92b3c0b9287bfba1b0ec4084300858d05c654f8c';
const REPO = 'https://github.com/mongodb/specifications.git';
const root = resolve(import.meta.dirname, '..');
const target = join(root, 'specs');
const work = mkdtempSync(join(tmpdir(), 'mongrove-specs-'));

try {
  execFileSync('git', ['init', '-q', work]);
  execFileSync('git', ['-C', work, 'fetch', '-q', '--depth=1', REPO, COMMIT], { stdio: 'inherit' });
  execFileSync('git', ['-C', work, 'checkout', '-q', 'FETCH_HEAD']);
  const source = join(work, 'source');
  let copied = 0;
  for (const spec of readdirSync(source)) {
    const tests = join(source, spec, 'tests');
    if (!existsSync(tests)) continue;
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.json')) {
          const dest = join(target, spec, relative(tests, full));
          mkdirSync(dirname(dest), { recursive: true });
          cpSync(full, dest);
          copied++;
        }
      }
    };
    walk(tests);
  }
  const schema = join(source, 'unified-test-format', 'schema-latest.json');
  if (existsSync(schema)) {
    mkdirSync(join(target, 'unified-test-format', 'schema'), { recursive: true });
    cpSync(schema, join(target, 'unified-test-format', 'schema', 'schema-latest.json'));
  }
  console.log(`specs:sync copied ${copied} JSON files from ${COMMIT} into specs/`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
