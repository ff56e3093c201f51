// read-write-concern: connection-string parsing and the document form sent to the server.
// (The operation/ files are unified-format tests needing a server: another runner.)
import { expect } from 'vitest';
import { ReadConcern } from '../../src/concerns/read-concern.js';
import { WriteConcern, type WriteConcernOptions } from '../../src/concerns/write-concern.js';
import { parseConnectionString } from '../../src/connection/uri/parse.js';
import { MongoError } from '../../src/errors.js';
import { registerSpecSuite, type SpecCase } from './harness.js';
import { specFiles } from '../support/specs-dir.js';

interface ConcernShape {
  w?: number | string;
  journal?: boolean;
  wtimeoutMS?: number;
  level?: string;
}

interface ConnectionStringTest {
  description: string;
  uri: string;
  valid: boolean;
  warning?: boolean | null;
  readConcern?: ConcernShape | null;
  writeConcern?: ConcernShape | null;
}

interface DocumentTest {
  description: string;
  valid: boolean;
  readConcern?: ConcernShape;
  readConcernDocument?: Record<string, unknown> | null;
  writeConcern?: ConcernShape;
  writeConcernDocument?: Record<string, unknown> | null;
  isServerDefault?: boolean | null;
  isAcknowledged?: boolean | null;
}

function runConnectionString(test: ConnectionStringTest): void {
  if (!test.valid) {
    expect(() => parseConnectionString(test.uri)).toThrow(MongoError);
    return;
  }
  const parsed = parseConnectionString(test.uri);
  if (test.warning === false) expect(parsed.warnings).toEqual([]);
  if (test.warning === true) expect(parsed.warnings.length).toBeGreaterThan(0);
  if (test.readConcern) expect(withoutUndefined({ level: parsed.readConcern.level })).toEqual(test.readConcern);
  if (test.writeConcern) {
    const { w, journal, wtimeoutMS } = parsed.writeConcern;
    expect(withoutUndefined({ w, journal, wtimeoutMS })).toEqual(test.writeConcern);
  }
}

function runDocument(test: DocumentTest): void {
  if (test.writeConcern) {
    const options: WriteConcernOptions = { ...test.writeConcern };
    if (!test.valid) {
      expect(() => new WriteConcern(options)).toThrow(MongoError);
      return;
    }
    const concern = new WriteConcern(options);
    if (test.writeConcernDocument != null) expect(concern.toCommandDocument()).toEqual(test.writeConcernDocument);
    if (test.isServerDefault != null) expect(concern.isServerDefault).toBe(test.isServerDefault);
    if (test.isAcknowledged != null) expect(concern.isAcknowledged).toBe(test.isAcknowledged);
  }
  if (test.readConcern) {
    if (!test.valid) {
      expect(() => new ReadConcern(test.readConcern?.level)).toThrow(MongoError);
      return;
    }
    const concern = new ReadConcern(test.readConcern.level);
    if (test.readConcernDocument != null) expect(concern.toDocument()).toEqual(test.readConcernDocument);
    if (test.isServerDefault != null) expect(concern.isServerDefault).toBe(test.isServerDefault);
  }
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

const cases: SpecCase[] = [
  ...specFiles<{ tests: ConnectionStringTest[] }>('read-write-concern', 'connection-string').flatMap((file) =>
    file.content.tests.map((test) => ({ file: file.name, name: test.description, run: () => runConnectionString(test) })),
  ),
  ...specFiles<{ tests: DocumentTest[] }>('read-write-concern', 'document').flatMap((file) =>
    file.content.tests.map((test) => ({ file: file.name, name: test.description, run: () => runDocument(test) })),
  ),
];

registerSpecSuite('read-write-concern', cases);
