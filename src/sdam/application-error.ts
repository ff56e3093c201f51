// handleApplicationError: what an error seen by an application operation does to
// the topology (SDAM "Error handling"), as a pure function returning the new
// description plus the side effects the caller must perform.
import {
  MongoError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoWriteConcernError,
} from '../errors.js';
import { isNodeShuttingDown, isStateChangeError } from './error-classification.js';
import { unknownServerDescription } from './server-description.js';
import type { TopologyDescription } from './topology-description.js';
import { compareTopologyVersion, parseTopologyVersion, type TopologyVersion } from './topology-version.js';
import { updateTopology } from './update-topology.js';

/** Servers before 4.2 drop all connections on a state change, so their pools must be cleared too. */
const LAST_WIRE_VERSION_CLOSING_ON_STEPDOWN = 7;
/** Errors carrying this label mean "back off", not "server gone" (backpressure). */
const SYSTEM_OVERLOADED_LABEL = 'SystemOverloadedError';

export interface ApplicationError {
  readonly address: string;
  readonly kind: 'network' | 'timeout' | 'command';
  /** False while the connection is still in its handshake or authentication. */
  readonly completedHandshake: boolean;
  /** True when the error happened during the authentication step (after hello, before completion). */
  readonly duringAuthentication?: boolean;
  /** Pool generation of the connection that saw the error. */
  readonly generation: number;
  /** maxWireVersion of that connection. */
  readonly maxWireVersion: number;
  /** Command errors: the reply's (or its writeConcernError's) code, when it has one. */
  readonly code?: number | null;
  readonly topologyVersion?: TopologyVersion | null;
  readonly labels?: readonly string[];
  /** The error itself: its message is the Unknown description's error. */
  readonly error: MongoError;
}

export type ErrorOutcome = 'ignored-unknown-server' | 'ignored-stale-generation' | 'ignored-stale-topology-version' | 'ignored' | 'handled';

export interface ApplicationErrorResult {
  readonly description: TopologyDescription;
  /** Clear the server's pool (in LoadBalanced mode: only the connections of the error's serviceId). */
  readonly clearPool: boolean;
  /** Ask the server's monitor to check it now (state-change errors). */
  readonly requestImmediateCheck: boolean;
  readonly outcome: ErrorOutcome;
}

/**
 * Applies one application error. `poolGeneration` is the server's current pool generation:
 * errors from connections of an older generation are stale and change nothing.
 */
export function handleApplicationError(
  description: TopologyDescription,
  poolGeneration: number,
  error: ApplicationError,
): ApplicationErrorResult {
  const unchanged = (outcome: ErrorOutcome): ApplicationErrorResult => ({ description, clearPool: false, requestImmediateCheck: false, outcome });
  const server = description.servers.get(error.address);
  if (server === undefined) return unchanged('ignored-unknown-server');
  if (error.generation < poolGeneration) return unchanged('ignored-stale-generation');

  const loadBalanced = description.type === 'LoadBalanced';
  const markUnknown = (topologyVersion: TopologyVersion | null): TopologyDescription =>
    loadBalanced ? description : updateTopology(description, unknownServerDescription(error.address, { error: error.error, topologyVersion }));

  if (error.kind === 'command' && isStateChangeError({ code: error.code, message: error.error.message })) {
    const topologyVersion = error.topologyVersion ?? null;
    if (compareTopologyVersion(server.topologyVersion, topologyVersion) >= 0) return unchanged('ignored-stale-topology-version');
    return {
      description: markUnknown(topologyVersion),
      clearPool: isNodeShuttingDown({ code: error.code, message: error.error.message }) || error.maxWireVersion <= LAST_WIRE_VERSION_CLOSING_ON_STEPDOWN,
      requestImmediateCheck: true,
      outcome: 'handled',
    };
  }

  // A timeout may be a slow operation or a slow connect, not a dead server; only one during
  // authentication marks it Unknown. Other errors before the handshake completes are auth failures.
  const marksServerDown =
    error.kind === 'network' ||
    (error.kind === 'timeout' && error.duringAuthentication === true) ||
    (error.kind === 'command' && !error.completedHandshake);
  if (!marksServerDown || error.labels?.includes(SYSTEM_OVERLOADED_LABEL)) return unchanged('ignored');
  return { description: markUnknown(null), clearPool: true, requestImmediateCheck: false, outcome: 'handled' };
}

export interface ErrorContext {
  readonly address: string;
  readonly generation: number;
  readonly maxWireVersion: number;
  readonly completedHandshake: boolean;
  readonly duringAuthentication?: boolean;
}

/**
 * Describes a thrown error for handleApplicationError, or returns null when it is not an
 * error SDAM reacts to (e.g. an API misuse). Write errors never reach here: they are not thrown as server errors.
 */
export function applicationErrorFrom(error: unknown, context: ErrorContext): ApplicationError | null {
  if (!(error instanceof MongoError)) return null;
  const base = { ...context, labels: error.errorLabels, error };
  if (error instanceof MongoNetworkTimeoutError) return { ...base, kind: 'timeout', completedHandshake: context.completedHandshake && !error.beforeHandshake };
  if (error instanceof MongoNetworkError) return { ...base, kind: 'network', completedHandshake: context.completedHandshake && !error.beforeHandshake };
  if (error instanceof MongoServerError) {
    const reply = error instanceof MongoWriteConcernError && error.result !== undefined ? error.result : error.reply;
    return { ...base, kind: 'command', code: error.code ?? null, topologyVersion: parseTopologyVersion(reply.topologyVersion) };
  }
  return null;
}
