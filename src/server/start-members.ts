// Starts the nodes of a multi-member replica set (MemoryServer.start({ replSet, members: N })):
// one node per member, on consecutive ports from `port` (or ephemeral ones), all over the engine
// member 0 creates, so sessions and data are set-wide while cursors and failpoints stay per member.
import type { ServerSecurity } from './auth/security.js';
import type { MemoryServerOptions, ServerErrorEvent } from './memory-server-options.js';
import { ReplicaSetMembers } from './replication/members.js';
import type { ReplicaSetState } from './replication/replica-set.js';
import { ServerNode } from './server-node.js';
import { listenAll } from './start-nodes.js';

export interface MembersStart {
  readonly host: string;
  readonly port: number;
  readonly count: number;
  readonly options: MemoryServerOptions;
  readonly replication: ReplicaSetState;
  readonly onError: (event: ServerErrorEvent) => void;
  readonly security: ServerSecurity;
}

/** The listening members, member 0 (the first primary) first. */
export async function startMembers(start: MembersStart): Promise<ServerNode[]> {
  const members = new ReplicaSetMembers();
  start.replication.members = members;
  const shared = { host: start.host, onError: start.onError, security: start.security, replication: start.replication, members };
  const first = new ServerNode(shared);
  const nodes = [first];
  for (let i = 1; i < start.count; i++) nodes.push(new ServerNode({ ...shared, engine: first.engine }));
  try {
    await listenAll(nodes, start.port, start.options);
  } catch (error) {
    members.stop();
    throw error;
  }
  return nodes;
}
