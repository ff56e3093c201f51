// Registers spec tests with vitest under a top-level "spec:<suite>" block so the
// spec report can count them per suite; skips come only from the central table.
import { describe, it } from 'vitest';
import { skipReason } from './skips.js';

export interface SpecCase {
  /** Spec file path relative to the suite folder. */
  file: string;
  /** The test's own description. */
  name: string;
  run: () => void | Promise<void>;
  timeout?: number;
}

export const SPEC_PREFIX = 'spec:';

/** Registers one suite's cases: describe("spec:<suite>") > describe(file) > it(name). */
export function registerSpecSuite(suite: string, cases: readonly SpecCase[]): void {
  describe(`${SPEC_PREFIX}${suite}`, () => {
    const byFile = new Map<string, SpecCase[]>();
    for (const c of cases) {
      const list = byFile.get(c.file) ?? [];
      list.push(c);
      byFile.set(c.file, list);
    }
    for (const [file, list] of byFile) {
      describe(file, () => {
        for (const c of list) {
          const reason = skipReason(suite, c.file, c.name);
          if (reason !== undefined) it.skip(`${c.name} [skipped: ${reason}]`, () => {});
          else it(c.name, c.run, c.timeout);
        }
      });
    }
  });
}
