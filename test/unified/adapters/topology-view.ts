// The client's latest TopologyDescription, as recordTopologyDescription needs it, tracked from
// topologyDescriptionChanged events: both drivers publish their full description there, so no
// adapter has to reach into driver internals.
import type { TopologyDescriptionView } from '../adapter.js';

/** What both drivers' client objects offer: an event subscription. */
interface EventSource {
  on(event: 'topologyDescriptionChanged', listener: (event: unknown) => void): unknown;
}

const latest = new WeakMap<object, TopologyDescriptionView>();

function viewOf(description: unknown): TopologyDescriptionView | undefined {
  if (typeof description !== 'object' || description === null) return undefined;
  const { type, servers } = description as { type?: unknown; servers?: unknown };
  if (typeof type !== 'string' || !(servers instanceof Map)) return undefined;
  const list = [...(servers as Map<unknown, unknown>).entries()].map(([address, server]) => ({
    address: String(address),
    type: String((server as { type?: unknown } | null)?.type ?? 'Unknown'),
  }));
  return { type, servers: list };
}

/** Starts tracking; call before the client connects so the first change is seen. */
export function trackTopology(client: EventSource & object): void {
  latest.set(client, { type: 'Unknown', servers: [] });
  client.on('topologyDescriptionChanged', (event: unknown) => {
    const view = viewOf((event as { newDescription?: unknown } | null)?.newDescription);
    if (view !== undefined) latest.set(client, view);
  });
}

export function topologyOf(client: object): TopologyDescriptionView {
  const view = latest.get(client);
  if (view === undefined) throw new Error('the client was created without topology tracking (trackTopology)');
  return view;
}
