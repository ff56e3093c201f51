// Runs every spec suite (test/spec, test/unified) and prints pass/fail/skip per suite.
// `--json` prints ONE JSON object: { "suites": { "<suite>": { passed, failed, skipped } } }.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: string;
}
interface VitestJson {
  testResults: { name: string; assertionResults: AssertionResult[] }[];
}
interface Counts {
  passed: number;
  failed: number;
  skipped: number;
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
    const c = (suites[suite] ??= { passed: 0, failed: 0, skipped: 0 });
    if (a.status === 'passed') c.passed++;
    else if (a.status === 'failed') c.failed++;
    else c.skipped++;
  }
}
const sorted = Object.fromEntries(Object.entries(suites).sort(([a], [b]) => a.localeCompare(b)));

if (asJson) {
  process.stdout.write(`${JSON.stringify({ suites: sorted })}\n`);
} else {
  const width = Math.max(5, ...Object.keys(sorted).map((s) => s.length));
  console.log(`${'suite'.padEnd(width)}  passed  failed  skipped   pass%`);
  for (const [name, c] of Object.entries(sorted)) {
    const total = c.passed + c.failed + c.skipped;
    const pct = total ? ((100 * c.passed) / total).toFixed(1) : '-';
    console.log(`${name.padEnd(width)}  ${String(c.passed).padStart(6)}  ${String(c.failed).padStart(6)}  ${String(c.skipped).padStart(7)}  ${pct.padStart(6)}`);
  }
}
