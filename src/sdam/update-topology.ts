// updateTopology: the SDAM TopologyType table as one pure function from
// (current description, new server description) to the next description.
import { MongoRuntimeError } from '../errors.js';
import { unknownServerDescription, type ServerDescription } from './server-description.js';
import { draftOf, finishDraft, checkIfHasPrimary, type TopologyDraft } from './topology-draft.js';
import type { TopologyDescription } from './topology-description.js';
import { compareTopologyVersion } from './topology-version.js';
import { updateRSFromPrimary, updateRSWithoutPrimary, updateRSWithPrimaryFromMember } from './update-replica-set.js';

/**
 * The description after `server` replaces its predecessor. Outcomes from servers no longer in
 * the topology, and outcomes older than what we know (topologyVersion), leave it unchanged.
 */
export function updateTopology(description: TopologyDescription, server: ServerDescription): TopologyDescription {
  const current = description.servers.get(server.address);
  if (current === undefined) return description;
  if (compareTopologyVersion(current.topologyVersion, server.topologyVersion) > 0) return description;

  const draft = draftOf(description);
  draft.servers.set(server.address, server);
  switch (draft.type) {
    case 'LoadBalanced':
      break;
    case 'Single':
      verifySingleSetName(draft, server);
      break;
    case 'Unknown':
      updateFromUnknown(draft, server, description.seedCount);
      break;
    case 'Sharded':
      if (server.type !== 'Unknown' && server.type !== 'Mongos') draft.servers.delete(server.address);
      break;
    case 'ReplicaSetNoPrimary':
      updateFromReplicaSetNoPrimary(draft, server);
      break;
    case 'ReplicaSetWithPrimary':
      updateFromReplicaSetWithPrimary(draft, server);
      break;
  }
  return finishDraft(description, draft);
}

function verifySingleSetName(draft: TopologyDraft, server: ServerDescription): void {
  if (draft.setName === null || server.type === 'Unknown' || server.setName === draft.setName) return;
  const error = new MongoRuntimeError(
    `Server ${server.address} reports replica set name ${server.setName === null ? 'none' : `'${server.setName}'`}, but the client requires '${draft.setName}'`,
  );
  draft.servers.set(server.address, unknownServerDescription(server.address, { error }));
}

function updateFromUnknown(draft: TopologyDraft, server: ServerDescription, seedCount: number): void {
  switch (server.type) {
    case 'Standalone':
      if (seedCount === 1) draft.type = 'Single';
      else draft.servers.delete(server.address);
      break;
    case 'Mongos':
      draft.type = 'Sharded';
      break;
    case 'RSPrimary':
      draft.type = 'ReplicaSetWithPrimary';
      updateRSFromPrimary(draft, server);
      break;
    case 'RSSecondary':
    case 'RSArbiter':
    case 'RSOther':
      draft.type = 'ReplicaSetNoPrimary';
      updateRSWithoutPrimary(draft, server);
      break;
    default:
      // Unknown, RSGhost (which has no setName to join), PossiblePrimary, LoadBalancer: keep as is.
      break;
  }
}

function updateFromReplicaSetNoPrimary(draft: TopologyDraft, server: ServerDescription): void {
  switch (server.type) {
    case 'Standalone':
    case 'Mongos':
      draft.servers.delete(server.address);
      break;
    case 'RSPrimary':
      draft.type = 'ReplicaSetWithPrimary';
      updateRSFromPrimary(draft, server);
      break;
    case 'RSSecondary':
    case 'RSArbiter':
    case 'RSOther':
      updateRSWithoutPrimary(draft, server);
      break;
    default:
      break;
  }
}

function updateFromReplicaSetWithPrimary(draft: TopologyDraft, server: ServerDescription): void {
  switch (server.type) {
    case 'Standalone':
    case 'Mongos':
      draft.servers.delete(server.address);
      checkIfHasPrimary(draft);
      break;
    case 'RSPrimary':
      updateRSFromPrimary(draft, server);
      break;
    case 'RSSecondary':
    case 'RSArbiter':
    case 'RSOther':
      updateRSWithPrimaryFromMember(draft, server);
      break;
    default:
      checkIfHasPrimary(draft);
      break;
  }
}
