// Load-balanced mode (load-balancers spec): one pool reaches many backend
// services, so generations are kept per serviceId and clear() bumps only one.
// A service is forgotten when its last connection closes, keeping the map bounded.

interface Service {
  generation: number;
  connections: number;
}

export class ServiceGenerations {
  private readonly services = new Map<string, Service>();

  /** The generation a new connection to the service gets; 0 for a service with no connections. */
  generationOf(serviceKey: string): number {
    return this.services.get(serviceKey)?.generation ?? 0;
  }

  /** Counts one more connection to the service and returns the generation it belongs to. */
  attach(serviceKey: string): number {
    const service = this.services.get(serviceKey) ?? { generation: 0, connections: 0 };
    service.connections += 1;
    this.services.set(serviceKey, service);
    return service.generation;
  }

  detach(serviceKey: string): void {
    const service = this.services.get(serviceKey);
    if (service === undefined) return;
    service.connections -= 1;
    if (service.connections <= 0) this.services.delete(serviceKey);
  }

  /** Makes the service's current connections stale; returns the generation that was cleared. */
  clear(serviceKey: string): number {
    const service = this.services.get(serviceKey);
    if (service === undefined) return 0; // no connections: nothing to make stale
    service.generation += 1;
    return service.generation - 1;
  }
}
