// Where log records go. Standard streams and files receive one JSON line per record;
// a programmatic sink receives the structured record itself (the unified test runner
// collects { level, component, data } entries this way). A file that cannot be opened
// or written falls back to stderr after one warning line (logging spec).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { LogMessage } from './messages/log-message.js';
import type { LogComponent, LogSeverity } from './severity.js';

export interface LogRecord {
  readonly timestamp: Date;
  readonly severity: LogSeverity;
  readonly component: LogComponent;
  readonly message: LogMessage;
}

/** Receives structured records; a throwing sink never breaks the operation being logged. */
export interface LogSink {
  write(record: LogRecord): void;
}

/** `{ t, s, c, message, ...fields }` as one line of JSON, newline-terminated. */
export function formatLogLine(record: LogRecord): string {
  return `${JSON.stringify({ t: record.timestamp.toISOString(), s: record.severity, c: record.component, ...record.message })}\n`;
}

/** One collected entry, in the unified test format's expectedLogMessage shape. */
export interface CollectedLogEntry {
  readonly level: LogSeverity;
  readonly component: LogComponent;
  readonly data: LogMessage;
}

/** Keeps every record in memory (tests, the unified runner's per-client collector). */
export class MemoryLogSink implements LogSink {
  readonly entries: CollectedLogEntry[] = [];

  write(record: LogRecord): void {
    this.entries.push({ level: record.severity, component: record.component, data: record.message });
  }

  clear(): void {
    this.entries.length = 0;
  }
}

interface TextStream {
  write(chunk: string): unknown;
}

/** Writes JSON lines to a stream such as process.stdout. */
export class StreamLogSink implements LogSink {
  constructor(private readonly stream: TextStream) {}

  write(record: LogRecord): void {
    this.stream.write(formatLogLine(record));
  }
}

/**
 * Appends JSON lines to a file, opened once on the first record (so a disabled logger
 * creates no file). If the file cannot be opened or written, says so once on `fallback`
 * and writes there from then on.
 */
export class FileLogSink implements LogSink {
  private fd: number | undefined;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly fallback: TextStream = process.stderr,
  ) {}

  write(record: LogRecord): void {
    const line = formatLogLine(record);
    if (!this.failed) {
      try {
        this.fd ??= openSync(this.path, 'a');
        writeSync(this.fd, line);
        return;
      } catch (error) {
        this.failOver(error);
      }
    }
    this.fallback.write(line);
  }

  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // Closing is best effort: the records already written are on disk.
    }
  }

  private failOver(error: unknown): void {
    this.failed = true;
    this.close();
    const reason = error instanceof Error ? error.message : String(error);
    this.fallback.write(
      `${JSON.stringify({ t: new Date().toISOString(), s: 'warn', c: 'logger', message: `Cannot write log file ${JSON.stringify(this.path)} (${reason}); logging to stderr instead` })}\n`,
    );
  }
}
