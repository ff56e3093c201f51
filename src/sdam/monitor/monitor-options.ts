// What a server monitor is configured with, and the serverMonitoringMode rule.
import type { Connection } from '../../connection/connection.js';
import type { ServerApi } from '../../connection/handshake/handshake.js';
import type { EventTarget } from '../../monitoring/event-sink.js';
import type { MongoError } from '../../errors.js';
import type { ServerDescription } from '../server-description.js';
import type { HeartbeatEventMap } from './heartbeat-events.js';

export type ServerMonitoringMode = 'stream' | 'poll' | 'auto';

/**
 * Opens and handshakes a dedicated monitoring connection (never from the pool, never
 * authenticated). `id` is set when the caller allocated the connection's id beforehand.
 */
export type MonitorConnector = (request: { signal: AbortSignal; id?: number }) => Promise<Connection>;

/** One check's outcome as the topology applies it. */
export interface MonitorCheckResult {
  readonly description: ServerDescription;
  /** Set when the check failed: the topology clears the server's pool. */
  readonly error: MongoError | undefined;
}

export const MIN_HEARTBEAT_FREQUENCY_MS = 500;

export interface MonitorOptions {
  readonly topologyId: number;
  readonly address: string;
  readonly connector: MonitorConnector;
  /**
   * Allocates the next monitoring connection id, so a heartbeat that opens a connection
   * can name it before the handshake ends; without it the connector numbers connections.
   */
  readonly allocateConnectionId?: () => number;
  readonly heartbeatFrequencyMS: number;
  /** Floor between checks; 500 ms per the spec (tests may lower it). */
  readonly minHeartbeatFrequencyMS?: number;
  /** Handshake and polling reply limit; 0 = none. */
  readonly connectTimeoutMS: number;
  readonly serverMonitoringMode: ServerMonitoringMode;
  readonly serverApi?: ServerApi;
  readonly events?: EventTarget<HeartbeatEventMap>;
  /** Receives every completed (not cancelled) check, in order. */
  readonly onCheck: (result: MonitorCheckResult) => void;
  /** Environment to detect FaaS platforms in (defaults to process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Function-as-a-service platforms freeze processes between invocations, so a
 * streamed hello would pile up replies: "auto" polls there (server-monitoring spec).
 */
export function isFaasEnvironment(env: Readonly<Record<string, string | undefined>>): boolean {
  const present = (name: string): boolean => (env[name] ?? '') !== '';
  return (
    (env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_') ||
    present('AWS_LAMBDA_RUNTIME_API') ||
    present('FUNCTIONS_WORKER_RUNTIME') ||
    present('K_SERVICE') ||
    present('FUNCTION_NAME') ||
    present('VERCEL')
  );
}

export function streamingEnabled(mode: ServerMonitoringMode, env: Readonly<Record<string, string | undefined>>): boolean {
  if (mode === 'stream') return true;
  if (mode === 'poll') return false;
  return !isFaasEnvironment(env);
}
