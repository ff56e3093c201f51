// A load balancer's server description stays bare (load-balancers spec, "Monitoring"): no wire
// version, no logicalSessionTimeoutMinutes. Retryable writes must still be used behind it.
import { describe, expect, it } from 'vitest';
import { serverSupportsRetryableWrites } from '../../src/crud/retry-policy.js';

describe('serverSupportsRetryableWrites behind a load balancer', () => {
  it('is true for a bare LoadBalancer description', () => {
    expect(serverSupportsRetryableWrites({ description: { type: 'LoadBalancer', maxWireVersion: 0, logicalSessionTimeoutMinutes: null } })).toBe(true);
  });

  it('still needs session support on other server types', () => {
    expect(serverSupportsRetryableWrites({ description: { type: 'Mongos', maxWireVersion: 25, logicalSessionTimeoutMinutes: null } })).toBe(false);
    expect(serverSupportsRetryableWrites({ description: { type: 'Standalone', maxWireVersion: 25, logicalSessionTimeoutMinutes: 30 } })).toBe(false);
  });
});
