// Small statistics over timing samples; all times in microseconds.

/** One timed operation: wall-clock time, and the CPU this (client) process spent meanwhile. */
export interface Sample {
  wallUs: number;
  cpuUs: number;
}

/** Runs `operation` and measures it. The server lives in another process, so cpuUs is the driver's cost. */
export async function measure(operation: () => Promise<unknown>): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await operation();
  const wallUs = (performance.now() - start) * 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallUs, cpuUs: cpu.user + cpu.system };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface LatencySummary {
  kind: 'latency';
  ops: number;
  medianUs: number;
  p95Us: number;
  /** Mean client CPU per operation (user + system, includes GC). */
  cpuUsPerOp: number;
}

export interface ThroughputSummary {
  kind: 'throughput';
  /** Timed repetitions; each moved `docsPerRep` documents. */
  reps: number;
  docsPerRep: number;
  /** Median over the repetitions (less sensitive to one GC pause than the mean). */
  medianDocsPerSec: number;
  bestDocsPerSec: number;
  /** Mean client CPU per document moved. */
  cpuUsPerDoc: number;
}

export function summarizeLatency(samples: readonly Sample[]): LatencySummary {
  const sorted = samples.map((s) => s.wallUs).sort((a, b) => a - b);
  return {
    kind: 'latency',
    ops: sorted.length,
    medianUs: percentile(sorted, 50),
    p95Us: percentile(sorted, 95),
    cpuUsPerOp: mean(samples.map((s) => s.cpuUs)),
  };
}

export function summarizeThroughput(samples: readonly Sample[], docsPerRep: number): ThroughputSummary {
  const rates = samples.map((s) => docsPerRep / (s.wallUs / 1e6)).sort((a, b) => a - b);
  return {
    kind: 'throughput',
    reps: rates.length,
    docsPerRep,
    medianDocsPerSec: percentile(rates, 50),
    bestDocsPerSec: rates[rates.length - 1] ?? Number.NaN,
    cpuUsPerDoc: mean(samples.map((s) => s.cpuUs)) / docsPerRep,
  };
}
