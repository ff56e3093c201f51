// Server-side state of each open client connection: what the handshake told
// us (ConnectionInfo) and what was negotiated (compressors). Admin commands
// (hello, connectionStatus, serverStatus) read and update it by connection id.
import type { Document, ObjectId } from '../bson.js';
import type { CompressorName } from '../wire/index.js';
import { newConnectionAuthState, type ConnectionAuthState } from './auth/security.js';
import type { ConnectionInfo } from './types.js';

export class ConnectionState {
  readonly info: ConnectionInfo;
  /** Compressors agreed in the handshake, in the client's order of preference. */
  compressors: CompressorName[] = [];
  /** Set once the handshake's client metadata was received: it may not be sent again. */
  clientMetadataReceived = false;
  /** The user this connection authenticated as, and any SASL conversation in progress. */
  readonly auth: ConnectionAuthState = newConnectionAuthState();
  /**
   * Behind the simulated load balancer: the service (mongos) this connection reached, whose
   * serviceId a load-balanced hello reports. Chosen once, when the connection is accepted.
   */
  serviceId: ObjectId | undefined;

  constructor(id: number, remoteAddress: string) {
    this.info = { id, appName: undefined, clientMetadata: undefined, remoteAddress };
  }

  recordClientMetadata(metadata: Document): void {
    this.clientMetadataReceived = true;
    this.info.clientMetadata = metadata;
    const application = metadata.application;
    const name = typeof application === 'object' && application !== null ? (application as Document).name : undefined;
    this.info.appName = typeof name === 'string' ? name : undefined;
  }
}

export class ConnectionDirectory {
  private readonly open = new Map<number, ConnectionState>();
  private nextId = 1;
  private created = 0;

  add(remoteAddress: string): ConnectionState {
    const state = new ConnectionState(this.nextId++, remoteAddress);
    this.open.set(state.info.id, state);
    this.created++;
    return state;
  }

  remove(id: number): void {
    this.open.delete(id);
  }

  get(id: number): ConnectionState | undefined {
    return this.open.get(id);
  }

  get current(): number {
    return this.open.size;
  }

  get totalCreated(): number {
    return this.created;
  }
}
