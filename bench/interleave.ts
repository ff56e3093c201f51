// Runs contenders in alternating rounds (A B, B A, A B, …) after a warm-up, so slow
// drift of the machine (other processes, thermal, GC of the server) hits both alike.
import type { DriverName } from './drivers.js';
import type { Sample } from './stats.js';

export type ContenderName = DriverName | 'floor';

export interface Contender {
  name: ContenderName;
  /** One operation; returns its own timing (setup inside it is untimed). */
  step(index: number): Promise<Sample>;
  /** Untimed clean-up after each round (e.g. dropping what the round inserted). */
  afterRound?(): Promise<void>;
}

export interface Plan {
  warmup: number;
  /** At most this many rounds… */
  rounds: number;
  perRound: number;
  /** …but no new round once this much time has passed (at least two rounds, so both orders run). */
  budgetMs: number;
}

const MIN_ROUNDS = 2;

export interface InterleaveOutcome {
  samples: Map<ContenderName, Sample[]>;
  /** A contender that threw is dropped from the remaining rounds; its error is kept here. */
  errors: Map<ContenderName, unknown>;
}

export async function interleave(contenders: readonly Contender[], plan: Plan): Promise<InterleaveOutcome> {
  const samples = new Map<ContenderName, Sample[]>(contenders.map((c) => [c.name, []]));
  const errors = new Map<ContenderName, unknown>();
  const alive = (): Contender[] => contenders.filter((c) => !errors.has(c.name));
  let index = 0;

  const guarded = async (c: Contender, body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (error) {
      errors.set(c.name, error);
    }
  };

  for (const c of alive()) {
    await guarded(c, async () => {
      for (let i = 0; i < plan.warmup; i++) await c.step(index++);
      await c.afterRound?.();
    });
  }
  const started = performance.now();
  for (let round = 0; round < plan.rounds; round++) {
    if (round >= MIN_ROUNDS && performance.now() - started > plan.budgetMs) break;
    const order = round % 2 === 0 ? alive() : alive().reverse();
    for (const c of order) {
      const into = samples.get(c.name) ?? [];
      await guarded(c, async () => {
        for (let i = 0; i < plan.perRound; i++) into.push(await c.step(index++));
        await c.afterRound?.();
      });
    }
  }
  return { samples, errors };
}
