// Starts the simulated sharded cluster (MemoryServer.start({ sharded: true })): two mongos nodes
// over one engine (data, sessions, transactions, cluster time), each with its own router, port,
// cursors and failpoints, as separate mongos processes in front of the same shards.
import type { ServerSecurity } from './auth/security.js';
import type { MemoryServerOptions, ServerErrorEvent } from './memory-server-options.js';
import { ReplicaSetState } from './replication/replica-set.js';
import { ServerNode } from './server-node.js';
import { MongosRouter } from './sharding/mongos-router.js';
import { routerCommands } from './sharding/router-commands.js';
import { SHARD_REPLICA_SET, TransactionRouting } from './sharding/transaction-routing.js';
import { listenAll } from './start-nodes.js';

export interface ClusterStart {
  readonly host: string;
  readonly port: number;
  readonly options: MemoryServerOptions;
  readonly onError: (event: ServerErrorEvent) => void;
  readonly security: ServerSecurity;
}

export interface StartedCluster {
  /** The engine's replica set (hidden from handshakes: drivers see mongoses). */
  readonly replication: ReplicaSetState;
  /** The listening routers, "mongos0" first. */
  readonly routers: readonly [ServerNode, ServerNode];
}

export async function startCluster(start: ClusterStart): Promise<StartedCluster> {
  // Transactions need the replica set's engine underneath, as every modern shard is a replica set.
  const replication = new ReplicaSetState(start.options.replSet ?? SHARD_REPLICA_SET);
  const routing = new TransactionRouting(replication.transactions);
  const shared = { host: start.host, onError: start.onError, security: start.security, replication };
  const first = new ServerNode({ ...shared, router: new MongosRouter('mongos0', routing) });
  const second = new ServerNode({ ...shared, router: new MongosRouter('mongos1', routing), engine: first.engine });
  for (const node of [first, second]) for (const handler of routerCommands()) node.registerCommand(handler);
  await listenAll([first, second], start.port, start.options);
  return { replication, routers: [first, second] };
}
