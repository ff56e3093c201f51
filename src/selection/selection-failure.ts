// Human-readable diagnosis of why no server was selectable, for MongoServerSelectionError:
// every known server with its type, RTT and last error.
import { MongoServerSelectionError } from '../errors.js';
import type { ServerDescription } from '../sdam/server-description.js';
import type { TopologyDescription } from '../sdam/topology-description.js';
import { describeReadPreference, PRIMARY, type ReadPreferenceLike } from './read-preference-input.js';
import type { OperationKind } from './suitable-servers.js';

function describeServer(server: ServerDescription): string {
  const rtt = server.roundTripTime === null ? 'RTT n/a' : `RTT ${server.roundTripTime.toFixed(1)} ms`;
  const parts = [`${server.address}: ${server.type}`, rtt];
  if (server.setName !== null) parts.push(`set '${server.setName}'`);
  if (server.error !== null) parts.push(`last error: ${server.error.message}`);
  return `  - ${parts.join(', ')}`;
}

export function describeSelectionFailure(
  topology: TopologyDescription,
  readPreference: ReadPreferenceLike = PRIMARY,
  operation: OperationKind = 'read',
): string {
  const target = operation === 'write' ? 'a write' : `a read with read preference ${describeReadPreference(readPreference)}`;
  const setName = topology.setName === null ? '' : ` (replica set '${topology.setName}')`;
  const lines = [`No server is suitable for ${target} in a ${topology.type} topology${setName}.`];
  if (!topology.compatible && topology.compatibilityError !== null) lines.push(topology.compatibilityError);
  if (topology.servers.size === 0) lines.push('The topology has no servers.');
  else lines.push('Servers:', ...[...topology.servers.values()].map(describeServer));
  return lines.join('\n');
}

export function serverSelectionError(
  topology: TopologyDescription,
  readPreference?: ReadPreferenceLike,
  operation?: OperationKind,
  cause?: unknown,
): MongoServerSelectionError {
  return new MongoServerSelectionError(describeSelectionFailure(topology, readPreference, operation), { cause });
}
