// The pure SDAM core other layers use (the Topology shell, sessions, crud).
export * from './address.js';
export * from './application-error.js';
export * from './error-classification.js';
export * from './events.js';
export * from './round-trip-time.js';
export * from './server-description.js';
export * from './topology-description.js';
export * from './topology-version.js';
export * from './types.js';
export * from './update-topology.js';
export * from './wire-versions.js';
