// Brings the nodes of a multi-node deployment up together: TLS on every port when asked, then
// each node listening on consecutive ports from `port` (or ephemeral ones when it is 0). If one
// cannot listen, the others are closed again, so a failed start leaves nothing behind.
import type { MemoryServerOptions } from './memory-server-options.js';
import type { ServerNode } from './server-node.js';

export async function listenAll(nodes: readonly ServerNode[], port: number, options: MemoryServerOptions): Promise<void> {
  const tls = options.tls;
  if (tls !== undefined) for (const node of nodes) node.useTls(tls);
  try {
    for (const [i, node] of nodes.entries()) await node.listen(port === 0 ? 0 : port + i);
  } catch (error) {
    for (const node of nodes) await node.close();
    throw error;
  }
}
