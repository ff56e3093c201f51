// Detecting stale primaries with (electionId, setVersion): MongoDB 6.0+ orders by
// electionId first; older servers by setVersion first (SDAM "updateRSFromPrimary").
import type { ObjectId } from '../bson.js';
import type { ServerDescription } from './server-description.js';

/** The electionId ordering began with MongoDB 6.0. */
const ELECTION_ID_FIRST_WIRE_VERSION = 17;

export interface ElectionMaximum {
  readonly maxElectionId: ObjectId | null;
  readonly maxSetVersion: number | null;
}

export type ElectionVerdict =
  | { readonly stale: false; readonly maximum: ElectionMaximum }
  | { readonly stale: true; readonly reason: string };

/** null sorts before every value, and equals null. */
function compareNullable<T>(a: T | null, b: T | null, compare: (x: T, y: T) => number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compare(a, b);
}

function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a.toHexString();
  const y = b.toHexString();
  return x === y ? 0 : x < y ? -1 : 1;
}

function compareNumbers(a: number, b: number): number {
  return a - b;
}

function tuple(electionId: ObjectId | null, setVersion: number | null): string {
  return `{electionId: ${electionId?.toHexString() ?? 'null'}, setVersion: ${setVersion ?? 'null'}}`;
}

function staleVerdict(primary: ServerDescription, current: ElectionMaximum): ElectionVerdict {
  return {
    stale: true,
    reason:
      `primary marked stale due to electionId/setVersion mismatch, ${tuple(primary.electionId, primary.setVersion)} ` +
      `is stale compared to ${tuple(current.maxElectionId, current.maxSetVersion)}`,
  };
}

/** Whether a reported primary is stale, and otherwise the topology's new maximum tuple. */
export function judgePrimary(primary: ServerDescription, current: ElectionMaximum): ElectionVerdict {
  if ((primary.maxWireVersion ?? 0) >= ELECTION_ID_FIRST_WIRE_VERSION) return judgeElectionIdFirst(primary, current);
  return judgeSetVersionFirst(primary, current);
}

function judgeElectionIdFirst(primary: ServerDescription, current: ElectionMaximum): ElectionVerdict {
  const byElection = compareNullable(primary.electionId, current.maxElectionId, compareObjectIds);
  const bySetVersion = compareNullable(primary.setVersion, current.maxSetVersion, compareNumbers);
  if (byElection > 0 || (byElection === 0 && bySetVersion >= 0)) {
    return { stale: false, maximum: { maxElectionId: primary.electionId, maxSetVersion: primary.setVersion } };
  }
  return staleVerdict(primary, current);
}

function judgeSetVersionFirst(primary: ServerDescription, current: ElectionMaximum): ElectionVerdict {
  let maxElectionId = current.maxElectionId;
  let maxSetVersion = current.maxSetVersion;
  if (primary.setVersion !== null && primary.electionId !== null) {
    if (
      current.maxSetVersion !== null &&
      current.maxElectionId !== null &&
      (current.maxSetVersion > primary.setVersion ||
        (current.maxSetVersion === primary.setVersion && compareObjectIds(current.maxElectionId, primary.electionId) > 0))
    ) {
      return staleVerdict(primary, current);
    }
    maxElectionId = primary.electionId;
  }
  if (primary.setVersion !== null && (maxSetVersion === null || primary.setVersion > maxSetVersion)) {
    maxSetVersion = primary.setVersion;
  }
  return { stale: false, maximum: { maxElectionId, maxSetVersion } };
}
