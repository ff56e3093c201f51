// Server selection: pure functions over a TopologyDescription.
export * from './latency-window.js';
export * from './max-staleness.js';
export * from './pick-server.js';
export * from './read-preference-input.js';
export * from './select-server.js';
export * from './selection-failure.js';
export * from './suitable-servers.js';
export * from './tag-sets.js';
