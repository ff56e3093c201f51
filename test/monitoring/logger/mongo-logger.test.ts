import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  FileLogSink,
  LOG_SEVERITIES,
  MemoryLogSink,
  MongoLogger,
  formatLogLine,
  poolReadyMessage,
  type LogRecord,
} from '../../../src/monitoring/logger/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mongrove-logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class Lines {
  readonly chunks: string[] = [];
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
}

describe('willLog', () => {
  it('passes severities at or above the component minimum only', () => {
    const logger = MongoLogger.fromEnvironment({ MONGODB_LOG_COMMAND: 'info' });
    const passing = LOG_SEVERITIES.filter((severity) => logger.willLog('command', severity));
    expect(passing).toEqual(['emergency', 'alert', 'critical', 'error', 'warn', 'notice', 'info']);
    expect(logger.willLog('command', 'debug')).toBe(false);
    expect(logger.willLog('topology', 'emergency')).toBe(false);
  });

  it('trace passes everything; off passes nothing', () => {
    const logger = MongoLogger.fromEnvironment({ MONGODB_LOG_ALL: 'trace', MONGODB_LOG_CONNECTION: 'off' });
    expect(LOG_SEVERITIES.every((severity) => logger.willLog('serverSelection', severity))).toBe(true);
    expect(LOG_SEVERITIES.some((severity) => logger.willLog('connection', severity))).toBe(false);
    expect(logger.enabled).toBe(true);
    expect(MongoLogger.disabled().enabled).toBe(false);
  });
});

describe('log', () => {
  it('delivers structured records to a sink, in the unified runner shape', () => {
    const sink = new MemoryLogSink();
    const logger = MongoLogger.fromEnvironment({}, { mongodbLogComponentSeverities: { connection: 'debug' }, mongodbLogPath: sink });
    logger.log('connection', 'debug', poolReadyMessage({ address: 'h:1' }));
    logger.log('connection', 'trace', poolReadyMessage({ address: 'h:2' }));
    logger.log('command', 'debug', poolReadyMessage({ address: 'h:3' }));
    expect(sink.entries).toEqual([
      { level: 'debug', component: 'connection', data: { message: 'Connection pool ready', serverHost: 'h', serverPort: 1 } },
    ]);
  });

  it('writes one JSON line { t, s, c, message, ...fields } to a stream', () => {
    const record: LogRecord = {
      timestamp: new Date('2024-01-02T03:04:05.006Z'),
      severity: 'debug',
      component: 'connection',
      message: poolReadyMessage({ address: 'db.example:27018' }),
    };
    const line = formatLogLine(record);
    expect(line).toBe('{"t":"2024-01-02T03:04:05.006Z","s":"debug","c":"connection","message":"Connection pool ready","serverHost":"db.example","serverPort":27018}\n');
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['t', 's', 'c', 'message', 'serverHost', 'serverPort']);
  });

  it('appends to a file, opening it only when something is logged', () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'existing\n');
    const logger = MongoLogger.fromEnvironment({ MONGODB_LOG_ALL: 'debug', MONGODB_LOG_PATH: path });
    logger.log('topology', 'debug', { message: 'Starting topology monitoring', topologyId: 1 });
    logger.log('topology', 'debug', { message: 'Stopped topology monitoring', topologyId: 1 });
    logger.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('existing');
    expect(lines.slice(1).map((line) => (JSON.parse(line) as { message: string }).message)).toEqual([
      'Starting topology monitoring',
      'Stopped topology monitoring',
    ]);
  });

  it('falls back to stderr with one warning line when the file cannot be opened', () => {
    const fallback = new Lines();
    const sink = new FileLogSink(join(dir, 'missing-dir', 'nested', 'x.log'), fallback);
    const record: LogRecord = { timestamp: new Date(0), severity: 'debug', component: 'command', message: { message: 'one' } };
    sink.write(record);
    sink.write({ ...record, message: { message: 'two' } });
    expect(fallback.chunks).toHaveLength(3);
    const warning = JSON.parse(fallback.chunks[0]) as { s: string; message: string };
    expect(warning.s).toBe('warn');
    expect(warning.message).toContain('Cannot write log file');
    expect(fallback.chunks.slice(1).map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['one', 'two']);
  });

  it('a throwing sink does not throw out of log(), and is reported once', () => {
    const logger = MongoLogger.fromEnvironment(
      {},
      { mongodbLogComponentSeverities: { default: 'debug' }, mongodbLogPath: { write: () => { throw new Error('disk full'); } } },
    );
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      expect(() => logger.log('command', 'debug', { message: 'x' })).not.toThrow();
      expect(() => logger.log('command', 'debug', { message: 'y' })).not.toThrow();
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(String(emitWarning.mock.calls[0][0])).toContain('disk full');
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('exposes the configured max document length', () => {
    expect(MongoLogger.fromEnvironment({ MONGODB_LOG_MAX_DOCUMENT_LENGTH: '20' }).maxDocumentLength).toBe(20);
    expect(MongoLogger.fromEnvironment({ MONGODB_LOG_MAX_DOCUMENT_LENGTH: '20' }, { mongodbLogMaxDocumentLength: 5 }).maxDocumentLength).toBe(5);
  });
});
