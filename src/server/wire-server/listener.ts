// The TCP (or TLS) listener: accepts sockets, gives each a ClientConnection, and on
// close stops accepting and destroys every open socket, even one mid TLS handshake.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ObjectId } from '../../bson.js';
import { MongoRuntimeError } from '../../errors.js';
import type { ClientConnectionDependencies } from './client-connection.js';
import { ClientConnection } from './client-connection.js';
import { nodeTlsOptions, verifiedClientSubject, type ServerTlsOptions } from './tls.js';

export interface WireListenerOptions {
  /** Simulated load balancer: the service each accepted connection is routed to. */
  routeToService?: () => ObjectId;
}

export class WireListener {
  private server: Server;
  private tls: ServerTlsOptions | undefined;
  private readonly open = new Set<ClientConnection>();
  /** Every accepted TCP socket, including TLS ones still handshaking (server.close would wait for them). */
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly deps: ClientConnectionDependencies,
    private readonly options: WireListenerOptions = {},
  ) {
    this.server = this.createServer();
  }

  /** Serves TLS instead of plain TCP (options validated by validateServerTls); call before listen. */
  useTls(tls: ServerTlsOptions): void {
    if (this.server.listening) throw new MongoRuntimeError('WireListener.useTls must be called before listen');
    this.tls = tls;
    this.server = this.createServer();
  }

  private createServer(): Server {
    const tls = this.tls;
    const server = tls === undefined ? createServer((socket) => this.accept(socket)) : createTlsServer(nodeTlsOptions(tls), (socket) => this.accept(socket));
    // A listener error after start-up (rare: e.g. EMFILE on accept) must not crash the process.
    server.on('error', () => undefined);
    // A failed TLS handshake (wrong CA, no certificate when one is required, plain TCP) only drops that socket.
    server.on('tlsClientError', () => undefined);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return server;
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
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
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
    if (this.tls !== undefined) state.auth.x509Subject = verifiedClientSubject(socket);
    const connection = new ClientConnection(socket, state, this.deps);
    this.open.add(connection);
    socket.once('close', () => this.open.delete(connection));
  }
}
