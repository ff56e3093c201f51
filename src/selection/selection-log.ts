// Server selection log messages (server-selection spec, "Logging"). Selection has no
// monitoring events, so the loop logs directly. A SelectionLog is created only when
// `wanted` (the logger logs the serverSelection component at all), so a disabled
// logger costs the loop one undefined check per step.
import type { MongoLogger } from '../monitoring/logger/index.js';
import {
  serverSelectionFailedMessage,
  serverSelectionStartedMessage,
  serverSelectionSucceededMessage,
  waitingForSuitableServerMessage,
  type ServerSelectionLogInput,
} from '../monitoring/logger/index.js';
import type { TopologyDescription } from '../sdam/topology-description.js';

/** What every message of one selection says: the selector, operation and operation id. */
export interface SelectionLogSubject {
  readonly selector: unknown;
  readonly operation: string;
  readonly operationId?: number | undefined;
}

export class SelectionLog {
  private waited = false;

  private constructor(
    private readonly logger: MongoLogger,
    private readonly subject: SelectionLogSubject,
  ) {}

  /** True when some selection message would be written: check before building a subject. */
  static wanted(logger: MongoLogger): boolean {
    // "info" is the most severe level a selection message has: below it nothing logs.
    return logger.willLog('serverSelection', 'info');
  }

  static create(logger: MongoLogger, subject: SelectionLogSubject): SelectionLog {
    return new SelectionLog(logger, subject);
  }

  started(description: TopologyDescription): void {
    if (!this.logger.willLog('serverSelection', 'debug')) return;
    this.logger.log('serverSelection', 'debug', serverSelectionStartedMessage(this.input(description), this.logger.maxDocumentLength));
  }

  succeeded(description: TopologyDescription, address: string): void {
    if (!this.logger.willLog('serverSelection', 'debug')) return;
    this.logger.log('serverSelection', 'debug', serverSelectionSucceededMessage({ ...this.input(description), address }, this.logger.maxDocumentLength));
  }

  failed(description: TopologyDescription, failure: unknown): void {
    if (!this.logger.willLog('serverSelection', 'debug')) return;
    this.logger.log('serverSelection', 'debug', serverSelectionFailedMessage({ ...this.input(description), failure }, this.logger.maxDocumentLength));
  }

  /** The first time this selection has to wait (once per operation, at info). */
  waiting(description: TopologyDescription, remainingTimeMS: number): void {
    if (this.waited) return;
    this.waited = true;
    this.logger.log('serverSelection', 'info', waitingForSuitableServerMessage({ ...this.input(description), remainingTimeMS }, this.logger.maxDocumentLength));
  }

  private input(topologyDescription: TopologyDescription): ServerSelectionLogInput {
    return { ...this.subject, topologyDescription };
  }
}
