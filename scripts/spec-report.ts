// Runs every spec suite (test/spec, test/unified) and prints pass/fail/skip per suite.
// `--json` prints ONE JSON object: { "suites": { "<suite>": { passed, failed, skipped, notApplicable } } }.
// `skipped` counts every test not run: rows of the skip table (test/spec/skips.ts) plus the
// unified tests whose runOnRequirements the target does not meet; `notApplicable` is that
// second part alone, so skipped - notApplicable is what the skip table accounts for.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: string;
  meta?: { notApplicable?: unknown };
}
interface VitestJson {
  testResults: { name: string; assertionResults: AssertionResult[] }[];
}
interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  notApplicable: number;
}

const root = resolve(import.meta.dirname, '..');
const asJson = process.argv.includes('--json');
const extra = process.argv.slice(2).filter((a) => a !== '--json' && a !== '--');
const out = mkdtempSync(join(tmpdir(), 'mongrove-spec-report-'));
const outFile = join(out, 'report.json');

const run = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${outFile}`, ...(extra.length ? extra : ['test/spec', 'test/unified'])],
  { cwd: root, stdio: ['ignore', 'ignore', asJson ? 'ignore' : 'inherit'], env: { ...process.env } },
);

let report: VitestJson;
try {
  report = JSON.parse(readFileSync(outFile, 'utf8')) as VitestJson;
} catch {
  console.error(`spec report: vitest produced no report (exit ${run.status})`);
  process.exit(2);
} finally {
  rmSync(out, { recursive: true, force: true });
}

const suites: Record<string, Counts> = {};
for (const file of report.testResults) {
  for (const a of file.assertionResults) {
    const top = a.ancestorTitles[0] ?? '';
    if (!top.startsWith('spec:')) continue;
    const suite = top.slice('spec:'.length);
    const c = (suites[suite] ??= { passed: 0, failed: 0, skipped: 0, notApplicable: 0 });
    if (a.status === 'passed') c.passed++;
    else if (a.status === 'failed') c.failed++;
    else {
      c.skipped++;
      if (typeof a.meta?.notApplicable === 'string') c.notApplicable++;
    }
  }
}
const sorted = Object.fromEntries(Object.entries(suites).sort(([a], [b]) => a.localeCompare(b)));

if (asJson) {
  process.stdout.write(`${JSON.stringify({ suites: sorted })}\n`);
} else {
  const width = Math.max(5, ...Object.keys(sorted).map((s) => s.length));
  console.log(`${'suite'.padEnd(width)}  passed  failed  skipped  (n/a)   pass% of applicable`);
  for (const [name, c] of Object.entries(sorted)) {
    const applicable = c.passed + c.failed + c.skipped - c.notApplicable;
    const pct = applicable ? ((100 * c.passed) / applicable).toFixed(1) : '-';
    const row = [String(c.passed).padStart(6), String(c.failed).padStart(6), String(c.skipped).padStart(7), `(${c.notApplicable})`.padStart(6), pct.padStart(7)];
    console.log(`${name.padEnd(width)}  ${row.join('  ')}`);
  }
  console.log('\nskipped = skip-table rows + (n/a): unified tests whose runOnRequirements this target does not meet.');
  console.log('pass% of applicable = passed / (passed + failed + skip-table rows).');
}
