// A private, mutable working copy used while one update runs; the update
// functions stay pure because the draft never escapes them (see finishDraft).
import type { ObjectId } from '../bson.js';
import { makeServerDescription, memberAddresses, type ServerDescription } from './server-description.js';
import { freezeTopology, type TopologyDescription } from './topology-description.js';
import type { TopologyType } from './types.js';

export interface TopologyDraft {
  type: TopologyType;
  setName: string | null;
  maxSetVersion: number | null;
  maxElectionId: ObjectId | null;
  readonly servers: Map<string, ServerDescription>;
}

export function draftOf(description: TopologyDescription): TopologyDraft {
  return {
    type: description.type,
    setName: description.setName,
    maxSetVersion: description.maxSetVersion,
    maxElectionId: description.maxElectionId,
    servers: new Map(description.servers),
  };
}

export function finishDraft(base: TopologyDescription, draft: TopologyDraft): TopologyDescription {
  return freezeTopology({ ...base, ...draft });
}

export function checkIfHasPrimary(draft: TopologyDraft): void {
  const found = [...draft.servers.values()].some((server) => server.type === 'RSPrimary');
  draft.type = found ? 'ReplicaSetWithPrimary' : 'ReplicaSetNoPrimary';
}

/** Starts tracking every member the server reports that we do not know yet. */
export function addReportedMembers(draft: TopologyDraft, reporter: ServerDescription): void {
  for (const address of memberAddresses(reporter)) {
    if (!draft.servers.has(address)) draft.servers.set(address, makeServerDescription(address));
  }
}

/** A member's opinion of who is primary lets a single-threaded client check that server first. */
export function markPossiblePrimary(draft: TopologyDraft, reporter: ServerDescription): void {
  if (reporter.primary === null) return;
  const hinted = draft.servers.get(reporter.primary);
  if (hinted !== undefined && hinted.type === 'Unknown') {
    draft.servers.set(hinted.address, makeServerDescription(hinted.address, { type: 'PossiblePrimary' }));
  }
}
