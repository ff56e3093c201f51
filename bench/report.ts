// Turns case results into the ratio table (and the --json object) with the targets.
import type { CaseId, CaseResult } from './cases.js';
import type { BatchCensus } from './census.js';
import type { DriverName } from './drivers.js';
import type { LatencySummary, ThroughputSummary } from './stats.js';

interface Target {
  caseId: CaseId;
  label: string;
  /** ratio = mongrove / official of the median. */
  passes(ratio: number): boolean;
  text: string;
}

const TARGETS: readonly Target[] = [
  { caseId: 'findOneById', label: 'findOne latency', passes: (r) => r <= 0.8, text: 'ratio <= 0.8' },
  { caseId: 'insertOneSmall', label: 'insertOne latency', passes: (r) => r <= 0.8, text: 'ratio <= 0.8' },
  { caseId: 'findMany', label: 'find-many docs/s', passes: (r) => r >= 1.5, text: 'ratio >= 1.5' },
];

export interface RunInfo {
  mode: 'full' | 'quick';
  node: string;
  server: string;
  corpus: string;
  seconds: number;
  census: Partial<Record<DriverName, BatchCensus | string>>;
  /** Failures outside the timed cases (a driver that could not be created or connected). */
  problems: string[];
}

type Summary = LatencySummary | ThroughputSummary;

function headline(summary: Summary | undefined): number | undefined {
  if (!summary) return undefined;
  return summary.kind === 'latency' ? summary.medianUs : summary.medianDocsPerSec;
}

export function ratioOf(result: CaseResult): number | undefined {
  const m = headline(result.summaries.mongrove);
  const o = headline(result.summaries.official);
  return m !== undefined && o !== undefined && o > 0 ? m / o : undefined;
}

export interface TargetOutcome {
  target: string;
  rule: string;
  ratio: number | null;
  result: 'PASS' | 'MISS' | 'n/a';
}

export function targetOutcomes(results: readonly CaseResult[]): TargetOutcome[] {
  return TARGETS.map((t) => {
    const found = results.find((r) => r.id === t.caseId);
    const ratio = found ? ratioOf(found) : undefined;
    return {
      target: t.label,
      rule: t.text,
      ratio: ratio ?? null,
      result: ratio === undefined ? 'n/a' : t.passes(ratio) ? 'PASS' : 'MISS',
    };
  });
}

export function jsonReport(info: RunInfo, results: readonly CaseResult[]): string {
  return JSON.stringify(
    {
      info,
      cases: results.map((r) => ({ ...r, ratio: ratioOf(r) ?? null })),
      targets: targetOutcomes(results),
    },
    null,
    2,
  );
}

function fmt(value: number | undefined, unit: 'µs' | 'docs/s'): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'docs/s') return Math.round(value).toLocaleString('en-US');
  if (value < 10) return value.toFixed(2);
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

export function textReport(info: RunInfo, results: readonly CaseResult[]): string {
  const rows: string[][] = [['measurement', 'stat', 'mongrove', 'official', 'm/o', 'better', 'target', 'result']];
  const outcomes = new Map(TARGETS.map((t, i) => [t.caseId, { t, o: targetOutcomes(results)[i] }]));
  for (const r of results) {
    const m = r.summaries.mongrove;
    const o = r.summaries.official;
    const target = outcomes.get(r.id);
    const ratio = ratioOf(r);
    const ratioText = ratio === undefined ? '—' : ratio.toFixed(2);
    const better = r.better === 'lower' ? 'lower' : 'higher';
    if (r.id === 'floorPing') {
      const f = r.summaries.floor;
      const fl = f?.kind === 'latency' ? f : undefined;
      rows.push([r.title, 'median µs', '', '', '', '', '', fmt(fl?.medianUs, 'µs')]);
      rows.push(['', 'p95 µs', '', '', '', '', '', fmt(fl?.p95Us, 'µs')]);
      continue;
    }
    if (r.better === 'lower') {
      const ml = m?.kind === 'latency' ? m : undefined;
      const ol = o?.kind === 'latency' ? o : undefined;
      rows.push([r.title, 'median µs', fmt(ml?.medianUs, 'µs'), fmt(ol?.medianUs, 'µs'), ratioText, better, target?.t.text ?? '', target?.o.result ?? '']);
      const p95 = ml && ol ? (ml.p95Us / ol.p95Us).toFixed(2) : '—';
      rows.push(['', 'p95 µs', fmt(ml?.p95Us, 'µs'), fmt(ol?.p95Us, 'µs'), p95, better, '', '']);
      const cpu = ml && ol ? (ml.cpuUsPerOp / ol.cpuUsPerOp).toFixed(2) : '—';
      rows.push(['', 'client CPU µs/op', fmt(ml?.cpuUsPerOp, 'µs'), fmt(ol?.cpuUsPerOp, 'µs'), cpu, 'lower', '', '']);
    } else {
      const mt = m?.kind === 'throughput' ? m : undefined;
      const ot = o?.kind === 'throughput' ? o : undefined;
      rows.push([r.title, 'median docs/s', fmt(mt?.medianDocsPerSec, 'docs/s'), fmt(ot?.medianDocsPerSec, 'docs/s'), ratioText, better, target?.t.text ?? '', target?.o.result ?? '']);
      const cpu = mt && ot ? (mt.cpuUsPerDoc / ot.cpuUsPerDoc).toFixed(2) : '—';
      rows.push(['', 'client CPU µs/doc', fmt(mt?.cpuUsPerDoc, 'µs'), fmt(ot?.cpuUsPerDoc, 'µs'), cpu, 'lower', '', '']);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = [
    `mongrove vs official driver — ${info.mode} run, ${info.seconds.toFixed(1)} s, node ${info.node}`,
    `server: ${info.server}; documents: ${info.corpus}`,
    '',
    pad(rows[0], widths),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map((row) => pad(row, widths)),
    '',
    'm/o = mongrove / official. Latency: lower is better, so m/o < 1 means mongrove is faster.',
    'Throughput (docs/s): higher is better, so m/o > 1 means mongrove is faster.',
    'The floor row is a bare node:net socket; neither driver can beat it.',
    'Client CPU: what the benchmark process (the driver, incl. GC) spent per op/doc; the server runs in',
    'its own process, so this is the driver\'s own cost even when server time dominates the wall clock.',
  ];
  const floor = results.find((r) => r.id === 'floorPing')?.summaries.floor;
  const findOne = results.find((r) => r.id === 'findOneById');
  if (floor?.kind === 'latency' && findOne) {
    const over = (d: DriverName): string => {
      const s = findOne.summaries[d];
      return s?.kind === 'latency' ? `${(s.medianUs / floor.medianUs).toFixed(1)}x` : '—';
    };
    lines.push(`findOne median vs floor: mongrove ${over('mongrove')}, official ${over('official')}.`);
  }
  for (const [driver, census] of Object.entries(info.census)) {
    lines.push(
      typeof census === 'string'
        ? `${driver} find batches: census failed (${census.split('\n')[0]})`
        : `${driver} find batches (default batchSize): first batch ${census.firstBatch}, ${census.getMores} getMore(s), getMore batchSize ${census.getMoreBatchSize}, batches [${census.batchSizes.join(', ')}]`,
    );
  }
  const failures = results.flatMap((r) => Object.entries(r.errors).map(([who, e]) => `\n${who} failed in "${r.title}":\n${e}`));
  const problems = info.problems.map((p) => `\n${p}`);
  if (failures.length + problems.length > 0) lines.push('', 'FAILURES:', ...problems, ...failures);
  return lines.join('\n');
}
