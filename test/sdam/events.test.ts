import { describe, expect, it } from 'vitest';
import { closingEvents, diffEvents, openingEvents } from '../../src/sdam/events.js';
import { serverDescriptionFromHello } from '../../src/sdam/server-description.js';
import { createTopologyDescription } from '../../src/sdam/topology-description.js';
import { updateTopology } from '../../src/sdam/update-topology.js';

describe('SDAM events from description diffs', () => {
  const initial = createTopologyDescription({ seeds: ['a', 'b'] });
  const primary = { ok: 1, setName: 'rs', isWritablePrimary: true, hosts: ['a:27017', 'c:27017'], maxWireVersion: 21 };
  const next = updateTopology(initial, serverDescriptionFromHello('a', primary));

  it('orders opening events as the monitoring spec does', () => {
    expect(openingEvents(1, initial).map((e) => e.name)).toEqual(['topologyOpening', 'topologyDescriptionChanged', 'serverOpening', 'serverOpening']);
  });

  it('reports changed, added and removed servers, then the topology change', () => {
    const events = diffEvents(1, initial, next, 'a:27017');
    expect(events.map((e) => `${e.name}${'address' in e ? ` ${e.address}` : ''}`)).toEqual([
      'serverDescriptionChanged a:27017',
      'serverOpening c:27017',
      'serverClosed b:27017',
      'topologyDescriptionChanged',
    ]);
  });

  it('publishes nothing for an equal description', () => {
    const again = updateTopology(next, serverDescriptionFromHello('a', primary));
    expect(again).not.toBe(next);
    expect(diffEvents(1, next, again, 'a:27017')).toEqual([]);
  });

  it('closes every server before the topology', () => {
    expect(closingEvents(1, next).map((e) => e.name)).toEqual(['serverClosed', 'serverClosed', 'topologyDescriptionChanged', 'topologyClosed']);
  });
});
