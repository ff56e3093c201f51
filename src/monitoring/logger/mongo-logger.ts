// The structured logger of the logging spec. Callers guard every message with the
// cheap `willLog(component, severity)` (one table lookup and a number compare) and
// build the message only when it is true, so disabled logging costs nothing else.
import { FileLogSink, StreamLogSink, type LogSink } from './destination.js';
import type { LogMessage } from './messages/log-message.js';
import { LOG_COMPONENTS, SEVERITY_CODE, thresholdOf, type LogComponent, type LogSeverity } from './severity.js';
import {
  resolveLoggerSettings,
  type ComponentSeverities,
  type LogDestinationSetting,
  type LogEnvironment,
  type MongoLoggerClientOptions,
  type MongoLoggerSettings,
} from './settings.js';

export class MongoLogger {
  readonly componentSeverities: ComponentSeverities;
  readonly maxDocumentLength: number;
  /** Environment values that were ignored, and why. */
  readonly warnings: readonly string[];
  /** True when at least one component logs something. */
  readonly enabled: boolean;
  private readonly thresholds: Readonly<Record<LogComponent, number>>;
  private readonly destination: LogDestinationSetting;
  private sink: LogSink | undefined;
  private sinkFailed = false;

  constructor(settings: MongoLoggerSettings) {
    this.componentSeverities = settings.componentSeverities;
    this.maxDocumentLength = settings.maxDocumentLength;
    this.warnings = settings.warnings;
    this.destination = settings.destination;
    const thresholds = {} as Record<LogComponent, number>;
    for (const component of LOG_COMPONENTS) thresholds[component] = thresholdOf(settings.componentSeverities[component]);
    this.thresholds = Object.freeze(thresholds);
    this.enabled = LOG_COMPONENTS.some((component) => thresholds[component] >= 0);
  }

  /** Configuration from MONGODB_LOG_* variables, overridden by the client's options. */
  static fromEnvironment(env: LogEnvironment = process.env, clientOptions?: MongoLoggerClientOptions): MongoLogger {
    return new MongoLogger(resolveLoggerSettings(env, clientOptions));
  }

  /** A logger that logs nothing (the default for internal clients and tests). */
  static disabled(): MongoLogger {
    return new MongoLogger(resolveLoggerSettings({}));
  }

  willLog(component: LogComponent, severity: LogSeverity): boolean {
    return SEVERITY_CODE[severity] <= this.thresholds[component];
  }

  /** Writes `message` if the component logs at `severity`; never throws. */
  log(component: LogComponent, severity: LogSeverity, message: LogMessage): void {
    if (!this.willLog(component, severity)) return;
    try {
      this.openSink().write({ timestamp: new Date(), severity, component, message });
    } catch (error) {
      // A failing destination must not fail the operation being logged; say so once.
      if (this.sinkFailed) return;
      this.sinkFailed = true;
      process.emitWarning(`mongrove: a log destination threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Closes a log file opened by this logger (client close). */
  close(): void {
    if (this.sink instanceof FileLogSink) this.sink.close();
  }

  private openSink(): LogSink {
    this.sink ??= sinkFor(this.destination);
    return this.sink;
  }
}

function sinkFor(destination: LogDestinationSetting): LogSink {
  if (destination === 'stdout') return new StreamLogSink(process.stdout);
  if (destination === 'stderr') return new StreamLogSink(process.stderr);
  if (isSink(destination)) return destination;
  return new FileLogSink(destination.path);
}

function isSink(destination: { readonly path: string } | LogSink): destination is LogSink {
  return typeof (destination as Partial<LogSink>).write === 'function';
}
