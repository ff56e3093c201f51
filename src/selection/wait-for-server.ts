// Server selection's waiting loop (server-selection spec, "multi-threaded or
// asynchronous server selection"): run the pure selector over the current
// topology description; when nothing is suitable, request immediate checks and
// wait for the description to change, until serverSelectionTimeoutMS (or the
// operation's timeoutMS) runs out. The failure names every server with its type,
// RTT and last error.
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoOperationTimeoutError, MongoServerSelectionError, MongoTopologyClosedError } from '../errors.js';
import type { ServerDescription } from '../sdam/server-description.js';
import type { TopologyDescription } from '../sdam/topology-description.js';
import { Topology, type OperationSelectionCriteria } from '../sdam/topology.js';
import type { TopologySettings } from '../sdam/topology-settings.js';
import type { MongoLogger } from '../monitoring/logger/index.js';
import type { RandomSource } from './pick-server.js';
import { isReadPreferenceMode, type TagSet } from './read-preference-input.js';
import { selectServer } from './select-server.js';
import { SelectionLog } from './selection-log.js';
import { describeSelectionFailure } from './selection-failure.js';
import type { SelectionCriteria } from './suitable-servers.js';

/** What the loop needs of a topology (the Topology class has it). */
export interface SelectableTopology {
  readonly description: TopologyDescription;
  readonly closed: boolean;
  readonly serverSelectionTimeoutMS: number;
  requestImmediateCheck(): void;
  onDescriptionChange(listener: () => void): () => void;
  operationCount(address: string): number;
  /** The client's structured logger, when it has one. */
  readonly logger?: MongoLogger | undefined;
}

/** The operation's deadline/cancellation (the connection layer's TimeoutContext satisfies it). */
export interface SelectionDeadline {
  /** True when timeoutMS applies: its remaining time also bounds selection. */
  readonly csot: boolean;
  readonly signal?: AbortSignal;
  remainingMS(): number;
}

export interface WaitOptions {
  readonly deadline?: SelectionDeadline;
  readonly random?: RandomSource;
  /** Set when selection messages are logged (see SelectionLog.wanted). */
  readonly log?: SelectionLog | undefined;
}

const now = (): number => performance.now();

export function waitForServer(topology: SelectableTopology, criteria: SelectionCriteria, options: WaitOptions = {}): Promise<ServerDescription> {
  const log = options.log;
  return log === undefined ? selectionLoop(topology, criteria, options, undefined) : loggedSelection(topology, criteria, options, log);
}

async function loggedSelection(topology: SelectableTopology, criteria: SelectionCriteria, options: WaitOptions, log: SelectionLog): Promise<ServerDescription> {
  log.started(topology.description);
  try {
    return await selectionLoop(topology, criteria, options, log);
  } catch (error) {
    log.failed(topology.description, error);
    throw error;
  }
}

async function selectionLoop(topology: SelectableTopology, criteria: SelectionCriteria, options: WaitOptions, log: SelectionLog | undefined): Promise<ServerDescription> {
  const { deadline } = options;
  const selectionLimit = topology.serverSelectionTimeoutMS;
  const operationLimit = deadline?.csot === true ? deadline.remainingMS() : Infinity;
  const limitMS = Math.min(selectionLimit, operationLimit);
  const endsAt = now() + limitMS;
  const signal = deadline?.signal;
  for (;;) {
    if (topology.closed) throw new MongoTopologyClosedError('the topology was closed during server selection');
    signal?.throwIfAborted();
    const description = topology.description;
    const chosen = selectServer(description, criteria, { operationCount: (address) => topology.operationCount(address), random: options.random });
    if (chosen !== undefined) {
      log?.succeeded(description, chosen.address);
      return chosen;
    }
    const remaining = endsAt - now();
    if (remaining <= 0) throw selectionTimeout(description, criteria, limitMS, operationLimit < selectionLimit);
    log?.waiting(description, remaining);
    topology.requestImmediateCheck();
    await nextChange(topology, remaining, signal);
  }
}

/** Resolves on the next description change (or close), after `ms`, or when `signal` aborts. */
function nextChange(topology: SelectableTopology, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = topology.onDescriptionChange(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function selectionTimeout(description: TopologyDescription, criteria: SelectionCriteria, limitMS: number, byTimeoutMS: boolean): Error {
  const diagnosis = describeSelectionFailure(description, criteria.readPreference, criteria.operation);
  const cause = [...description.servers.values()].find((server) => server.error !== null)?.error ?? undefined;
  if (byTimeoutMS) {
    return new MongoOperationTimeoutError(`Server selection exceeded timeoutMS (${Math.round(limitMS)} ms). ${diagnosis}`, { cause });
  }
  return new MongoServerSelectionError(`Server selection timed out after ${Math.round(limitMS)} ms (serverSelectionTimeoutMS). ${diagnosis}`, { cause });
}

function tagSetOf(tags: Document): TagSet {
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw new MongoInvalidArgumentError(`read preference tag '${key}' must be a string, got ${typeof value}`);
    set[key] = value;
  }
  return set;
}

/** The pure selector's criteria for an operation's request. */
export function selectionCriteriaFor(criteria: OperationSelectionCriteria): SelectionCriteria {
  const { mode, tags, maxStalenessSeconds } = criteria.readPreference;
  if (!isReadPreferenceMode(mode)) throw new MongoInvalidArgumentError(`read preference mode '${mode}' is not a valid mode`);
  return {
    operation: criteria.forWrite === true ? 'write' : 'read',
    readPreference: { mode, tagSets: tags?.map(tagSetOf), maxStalenessSeconds },
    deprioritized: criteria.deprioritized?.map((server) => server.address),
  };
}

/** The Topology's selector: crud's criteria in, the selected server's description out. */
export function selectServerForOperation(topology: SelectableTopology, criteria: OperationSelectionCriteria, deadline?: SelectionDeadline): Promise<ServerDescription> {
  const selection = selectionCriteriaFor(criteria);
  const logger = topology.logger;
  const log =
    logger === undefined || criteria.logged === false || !SelectionLog.wanted(logger)
      ? undefined
      : SelectionLog.create(logger, { selector: criteria.readPreference, operation: criteria.operationName, operationId: criteria.operationId });
  return waitForServer(topology, selection, { deadline, log });
}

/** A Topology wired to this selection loop: what the Client builds. */
export function createTopology(settings: TopologySettings): Topology {
  return new Topology(settings, selectServerForOperation);
}
