// The TCP listener: accepts sockets, gives each a ClientConnection, and on
// close stops accepting and destroys every open socket.
import { createServer, type Server, type Socket } from 'node:net';
import type { ObjectId } from '../../bson.js';
import type { ClientConnectionDependencies } from './client-connection.js';
import { ClientConnection } from './client-connection.js';

export interface WireListenerOptions {
  /** Simulated load balancer: the service each accepted connection is routed to. */
  routeToService?: () => ObjectId;
}

export class WireListener {
  private readonly server: Server;
  private readonly open = new Set<ClientConnection>();

  constructor(
    private readonly deps: ClientConnectionDependencies,
    private readonly options: WireListenerOptions = {},
  ) {
    this.server = createServer((socket) => this.accept(socket));
    // A listener error after start-up (rare: e.g. EMFILE on accept) must not crash the process.
    this.server.on('error', () => undefined);
  }

  /** Starts listening; resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  get connectionCount(): number {
    return this.open.size;
  }

  /** Stops accepting, closes every connection, resolves once the listener is closed. */
  close(): Promise<void> {
    for (const connection of this.open) connection.destroy();
    this.open.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    const state = this.deps.runtime.connections.add(remote);
    state.serviceId = this.options.routeToService?.();
    const connection = new ClientConnection(socket, state, this.deps);
    this.open.add(connection);
    socket.once('close', () => this.open.delete(connection));
  }
}
