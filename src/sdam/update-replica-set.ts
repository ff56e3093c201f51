// The replica-set actions of the SDAM TopologyType table: updateRSFromPrimary,
// updateRSWithoutPrimary and updateRSWithPrimaryFromMember, applied to a draft.
import { MongoStalePrimaryError } from '../errors.js';
import { judgePrimary } from './election-order.js';
import { memberAddresses, unknownServerDescription, type ServerDescription } from './server-description.js';
import { addReportedMembers, checkIfHasPrimary, markPossiblePrimary, type TopologyDraft } from './topology-draft.js';

export function updateRSFromPrimary(draft: TopologyDraft, primary: ServerDescription): void {
  if (!draft.servers.has(primary.address)) return;
  if (draft.setName === null) {
    draft.setName = primary.setName;
  } else if (draft.setName !== primary.setName) {
    // A primary of some other replica set: it does not belong in this topology.
    draft.servers.delete(primary.address);
    checkIfHasPrimary(draft);
    return;
  }

  const verdict = judgePrimary(primary, draft);
  if (verdict.stale) {
    const error = new MongoStalePrimaryError(verdict.reason);
    draft.servers.set(primary.address, unknownServerDescription(primary.address, { error }));
    checkIfHasPrimary(draft);
    return;
  }
  draft.maxElectionId = verdict.maximum.maxElectionId;
  draft.maxSetVersion = verdict.maximum.maxSetVersion;

  for (const server of draft.servers.values()) {
    if (server.address !== primary.address && server.type === 'RSPrimary') {
      const error = new MongoStalePrimaryError('primary marked stale due to discovery of newer primary');
      draft.servers.set(server.address, unknownServerDescription(server.address, { error }));
    }
  }

  addReportedMembers(draft, primary);
  const members = new Set(memberAddresses(primary));
  for (const address of [...draft.servers.keys()]) {
    if (!members.has(address)) draft.servers.delete(address);
  }
  checkIfHasPrimary(draft);
}

export function updateRSWithoutPrimary(draft: TopologyDraft, member: ServerDescription): void {
  if (!draft.servers.has(member.address)) return;
  if (draft.setName === null) {
    draft.setName = member.setName;
  } else if (draft.setName !== member.setName) {
    draft.servers.delete(member.address);
    return;
  }
  addReportedMembers(draft, member);
  markPossiblePrimary(draft, member);
  if (member.me !== null && member.address !== member.me) draft.servers.delete(member.address);
}

export function updateRSWithPrimaryFromMember(draft: TopologyDraft, member: ServerDescription): void {
  if (!draft.servers.has(member.address)) return;
  if (draft.setName !== member.setName || (member.me !== null && member.address !== member.me)) {
    draft.servers.delete(member.address);
    checkIfHasPrimary(draft);
    return;
  }
  // The member may have been the primary until this reply demoted it.
  checkIfHasPrimary(draft);
  if (draft.type === 'ReplicaSetNoPrimary') markPossiblePrimary(draft, member);
}
