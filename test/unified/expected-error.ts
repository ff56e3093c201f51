// expectedError assertions over a driver error described by the adapter.
import { ErrorCodes } from '../../src/server/index.js';
import type { DescribedError } from './adapter.js';
import { show } from './bson-values.js';
import { assertMatches, type MatchContext } from './matcher.js';
import type { ExpectedError } from './model.js';

function fail(message: string, actual: DescribedError): never {
  throw new Error(`${message} (error was: ${actual.message}${actual.codeName ? ` [${actual.codeName}]` : ''}${actual.code !== undefined ? ` code ${actual.code}` : ''})`);
}

function codeNameMatches(expected: string, actual: DescribedError): boolean {
  const lower = expected.toLowerCase();
  if (actual.codeName?.toLowerCase() === lower) return true;
  if (actual.nestedCodeNames.some((n) => n.toLowerCase() === lower)) return true;
  // Bulk write errors may expose only codes: translate the expected name (the spec allows this).
  const code = (ErrorCodes as Record<string, number>)[expected];
  return code !== undefined && ((actual.codeName === undefined && actual.code === code) || actual.nestedCodes.includes(code));
}

export function assertExpectedError(expected: ExpectedError, actual: DescribedError, ctx: MatchContext): void {
  if (expected.isClientError !== undefined && actual.isClientError !== expected.isClientError) {
    fail(`expected ${expected.isClientError ? 'a client' : 'a server'} error`, actual);
  }
  if (expected.isTimeoutError !== undefined && actual.isTimeoutError !== expected.isTimeoutError) {
    fail(`expected ${expected.isTimeoutError ? 'a' : 'no'} timeout error`, actual);
  }
  if (expected.errorContains !== undefined) {
    const needle = expected.errorContains.toLowerCase();
    if (![actual.message, ...actual.nestedMessages].some((m) => m.toLowerCase().includes(needle))) {
      fail(`expected the error message to contain "${expected.errorContains}"`, actual);
    }
  }
  if (expected.errorCode !== undefined && actual.code !== expected.errorCode) {
    fail(`expected error code ${expected.errorCode} but was ${actual.code ?? 'none'}`, actual);
  }
  if (expected.errorCodeName !== undefined && !codeNameMatches(expected.errorCodeName, actual)) {
    fail(`expected error codeName ${expected.errorCodeName} but was ${actual.codeName ?? 'none'}`, actual);
  }
  for (const label of expected.errorLabelsContain ?? []) {
    if (!actual.errorLabels.includes(label)) fail(`expected error label ${label} in [${actual.errorLabels.join(', ')}]`, actual);
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (actual.errorLabels.includes(label)) fail(`expected no error label ${label} but labels are [${actual.errorLabels.join(', ')}]`, actual);
  }
  if (expected.errorResponse !== undefined) {
    if (!actual.errorResponse) fail('expected the error to carry a server response', actual);
    assertMatches(expected.errorResponse, actual.errorResponse, { root: true, path: '$.errorResponse', context: ctx });
  }
  if (expected.writeErrors !== undefined) {
    const writeErrors = actual.writeErrors;
    if (!writeErrors) fail('expected the error to carry writeErrors', actual);
    const expectedKeys = Object.keys(expected.writeErrors).sort();
    const actualKeys = Object.keys(writeErrors).sort();
    if (expectedKeys.join() !== actualKeys.join()) fail(`expected writeErrors at [${expectedKeys.join(', ')}] but got [${actualKeys.join(', ')}]`, actual);
    for (const key of expectedKeys) {
      assertMatches(expected.writeErrors[key], writeErrors[key], { root: true, path: `$.writeErrors.${key}`, context: ctx });
    }
  }
  if (expected.writeConcernErrors !== undefined) {
    const wces = actual.writeConcernErrors ?? [];
    if (wces.length !== expected.writeConcernErrors.length) {
      fail(`expected ${expected.writeConcernErrors.length} writeConcernErrors but got ${wces.length}: ${show(wces)}`, actual);
    }
    expected.writeConcernErrors.forEach((e, i) => assertMatches(e, wces[i], { root: true, path: `$.writeConcernErrors[${i}]`, context: ctx }));
  }
  if ('expectResult' in expected) {
    assertMatches(expected.expectResult, actual.partialResult, { root: true, path: '$.errorResult', context: ctx });
  }
}
