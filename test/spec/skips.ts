// THE central table of spec tests we do not run, each with its reason.
// A spec test is skipped only when it matches a row here; the spec report
// counts these skips. Keep rows narrow (suite + file + test) and reasons honest.

export interface SpecSkip {
  /** Suite name as the report shows it, e.g. "connection-string" or "crud@official". A trailing "*" matches any suffix. */
  suite: string;
  /** Substring of the spec file path (relative to the suite folder); omitted = every file. */
  file?: string;
  /** Substring of the test description; omitted = every test in the file. */
  test?: string;
  reason: string;
}

export const SPEC_SKIPS: readonly SpecSkip[] = [];

function suiteMatches(pattern: string, suite: string): boolean {
  return pattern.endsWith('*') ? suite.startsWith(pattern.slice(0, -1)) : pattern === suite;
}

export function skipReason(suite: string, file: string, test: string): string | undefined {
  const row = SPEC_SKIPS.find(
    (s) => suiteMatches(s.suite, suite) && (s.file === undefined || file.includes(s.file)) && (s.test === undefined || test.includes(s.test)),
  );
  return row?.reason;
}
