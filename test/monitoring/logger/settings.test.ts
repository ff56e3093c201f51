import { describe, expect, it } from 'vitest';
import { MongoInvalidArgumentError } from '../../../src/errors.js';
import { MemoryLogSink, resolveLoggerSettings } from '../../../src/monitoring/logger/index.js';

describe('logger settings from the environment', () => {
  it('logs nothing by default, to stderr, with documents up to 1000 long', () => {
    const settings = resolveLoggerSettings({});
    expect(settings.componentSeverities).toEqual({ command: 'off', topology: 'off', serverSelection: 'off', connection: 'off' });
    expect(settings.destination).toBe('stderr');
    expect(settings.maxDocumentLength).toBe(1000);
    expect(settings.warnings).toEqual([]);
  });

  it('MONGODB_LOG_ALL sets every component, case-insensitively', () => {
    const settings = resolveLoggerSettings({ MONGODB_LOG_ALL: 'DeBuG' });
    expect(settings.componentSeverities).toEqual({ command: 'debug', topology: 'debug', serverSelection: 'debug', connection: 'debug' });
  });

  it('a component variable takes precedence over MONGODB_LOG_ALL', () => {
    const settings = resolveLoggerSettings({ MONGODB_LOG_ALL: 'info', MONGODB_LOG_COMMAND: 'trace', MONGODB_LOG_SERVER_SELECTION: 'off' });
    expect(settings.componentSeverities).toEqual({ command: 'trace', topology: 'info', serverSelection: 'off', connection: 'info' });
  });

  it('reads each component variable', () => {
    const settings = resolveLoggerSettings({ MONGODB_LOG_TOPOLOGY: 'warn', MONGODB_LOG_CONNECTION: 'emergency' });
    expect(settings.componentSeverities).toEqual({ command: 'off', topology: 'warn', serverSelection: 'off', connection: 'emergency' });
  });

  it('ignores invalid values (as if unset), records a warning and never throws', () => {
    const settings = resolveLoggerSettings({
      MONGODB_LOG_ALL: 'info',
      MONGODB_LOG_COMMAND: 'verbose',
      MONGODB_LOG_MAX_DOCUMENT_LENGTH: '12abc',
      MONGODB_LOG_PATH: '',
    });
    expect(settings.componentSeverities.command).toBe('info');
    expect(settings.maxDocumentLength).toBe(1000);
    expect(settings.destination).toBe('stderr');
    expect(settings.warnings).toHaveLength(3);
    expect(settings.warnings[0]).toContain('MONGODB_LOG_COMMAND');
  });

  it('rejects negative and fractional MONGODB_LOG_MAX_DOCUMENT_LENGTH', () => {
    expect(resolveLoggerSettings({ MONGODB_LOG_MAX_DOCUMENT_LENGTH: '-5' }).maxDocumentLength).toBe(1000);
    expect(resolveLoggerSettings({ MONGODB_LOG_MAX_DOCUMENT_LENGTH: '2.5' }).maxDocumentLength).toBe(1000);
    expect(resolveLoggerSettings({ MONGODB_LOG_MAX_DOCUMENT_LENGTH: ' 42 ' }).maxDocumentLength).toBe(42);
    expect(resolveLoggerSettings({ MONGODB_LOG_MAX_DOCUMENT_LENGTH: '0' }).maxDocumentLength).toBe(0);
  });

  it('MONGODB_LOG_PATH: stdout/stderr case-insensitively, anything else a file path', () => {
    expect(resolveLoggerSettings({ MONGODB_LOG_PATH: 'STDOUT' }).destination).toBe('stdout');
    expect(resolveLoggerSettings({ MONGODB_LOG_PATH: 'StdErr' }).destination).toBe('stderr');
    expect(resolveLoggerSettings({ MONGODB_LOG_PATH: '/var/log/app.log' }).destination).toEqual({ path: '/var/log/app.log' });
  });
});

describe('client options override the environment', () => {
  const env = { MONGODB_LOG_ALL: 'info', MONGODB_LOG_COMMAND: 'trace', MONGODB_LOG_MAX_DOCUMENT_LENGTH: '50', MONGODB_LOG_PATH: 'stdout' };

  it('a component option beats its variable; default beats MONGODB_LOG_ALL but not a component variable', () => {
    const settings = resolveLoggerSettings(env, { mongodbLogComponentSeverities: { connection: 'off', default: 'error' } });
    expect(settings.componentSeverities).toEqual({ command: 'trace', topology: 'error', serverSelection: 'error', connection: 'off' });
  });

  it('mongodbLogMaxDocumentLength and mongodbLogPath win', () => {
    const sink = new MemoryLogSink();
    const settings = resolveLoggerSettings(env, { mongodbLogMaxDocumentLength: 7, mongodbLogPath: sink });
    expect(settings.maxDocumentLength).toBe(7);
    expect(settings.destination).toBe(sink);
    expect(resolveLoggerSettings(env, { mongodbLogPath: 'Stderr' }).destination).toBe('stderr');
    expect(resolveLoggerSettings(env, { mongodbLogPath: './out.log' }).destination).toEqual({ path: './out.log' });
  });

  it('invalid options throw MongoInvalidArgumentError naming the option', () => {
    const bad: Array<[object, RegExp]> = [
      [{ mongodbLogComponentSeverities: { command: 'loud' } }, /mongodbLogComponentSeverities\.command/],
      [{ mongodbLogComponentSeverities: { storage: 'debug' } }, /unknown component "storage"/],
      [{ mongodbLogMaxDocumentLength: -1 }, /mongodbLogMaxDocumentLength/],
      [{ mongodbLogMaxDocumentLength: 1.5 }, /mongodbLogMaxDocumentLength/],
      [{ mongodbLogPath: '' }, /mongodbLogPath/],
      [{ mongodbLogPath: 42 }, /mongodbLogPath/],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveLoggerSettings({}, options as never)).toThrow(MongoInvalidArgumentError);
      expect(() => resolveLoggerSettings({}, options as never)).toThrow(message);
    }
  });
});
