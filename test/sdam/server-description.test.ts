import { describe, expect, it } from 'vitest';
import { ObjectId } from '../../src/bson.js';
import { MongoNetworkError } from '../../src/errors.js';
import {
  loadBalancerServerDescription,
  makeServerDescription,
  serverDescriptionEquals,
  serverDescriptionFromHello,
  serverTypeFromHello,
  unknownServerDescription,
} from '../../src/sdam/server-description.js';
import { normalizeAddress } from '../../src/sdam/address.js';
import { averageRoundTripTime } from '../../src/sdam/round-trip-time.js';

describe('serverTypeFromHello', () => {
  it.each([
    [{ ok: 1, isWritablePrimary: true }, 'Standalone'],
    [{ ok: 1, msg: 'isdbgrid' }, 'Mongos'],
    [{ ok: 1, isreplicaset: true }, 'RSGhost'],
    [{ ok: 1, setName: 'rs', isWritablePrimary: true }, 'RSPrimary'],
    [{ ok: 1, setName: 'rs', ismaster: true }, 'RSPrimary'],
    [{ ok: 1, setName: 'rs', isWritablePrimary: false, ismaster: true }, 'RSOther'],
    [{ ok: 1, setName: 'rs', secondary: true }, 'RSSecondary'],
    [{ ok: 1, setName: 'rs', secondary: true, hidden: true }, 'RSOther'],
    [{ ok: 1, setName: 'rs', arbiterOnly: true }, 'RSArbiter'],
    [{ ok: 1, setName: 'rs' }, 'RSOther'],
    [{ ok: 0, errmsg: 'boom' }, 'Unknown'],
  ])('%j is %s', (hello, type) => {
    expect(serverTypeFromHello(hello)).toBe(type);
  });
});

describe('serverDescriptionFromHello', () => {
  it('normalizes member addresses to lower case with a port', () => {
    const description = serverDescriptionFromHello('A', { ok: 1, setName: 'rs', secondary: true, me: 'A:27017', hosts: ['A:27017', 'B'], primary: 'B:27017' });
    expect(description.address).toBe('a:27017');
    expect(description.me).toBe('a:27017');
    expect(description.hosts).toEqual(['a:27017', 'b:27017']);
    expect(description.primary).toBe('b:27017');
  });

  it('reads lastWriteDate from a Date and keeps the RTT it is given', () => {
    const description = serverDescriptionFromHello('a', { ok: 1, lastWrite: { lastWriteDate: new Date(5000) } }, { roundTripTime: 12, now: 7 });
    expect(description.lastWriteDate).toBe(5000);
    expect(description.roundTripTime).toBe(12);
    expect(description.lastUpdateTime).toBe(7);
  });

  it('keeps the server error message of an ok: 0 reply', () => {
    const description = serverDescriptionFromHello('a', { ok: 0, errmsg: 'not authorized' });
    expect(description.type).toBe('Unknown');
    expect(description.error?.message).toBe('not authorized');
  });

  it('is frozen', () => {
    const description = serverDescriptionFromHello('a', { ok: 1, hosts: ['a:27017'], tags: { dc: 'ny' } });
    expect(Object.isFrozen(description)).toBe(true);
    expect(Object.isFrozen(description.hosts)).toBe(true);
    expect(Object.isFrozen(description.tags)).toBe(true);
  });
});

describe('serverDescriptionEquals', () => {
  it('ignores RTT and update time but not hosts order-insensitively', () => {
    const a = makeServerDescription('a', { type: 'RSSecondary', hosts: ['a:27017', 'b:27017'], roundTripTime: 1, lastUpdateTime: 1 });
    const b = makeServerDescription('a', { type: 'RSSecondary', hosts: ['b:27017', 'a:27017'], roundTripTime: 9, lastUpdateTime: 2 });
    expect(serverDescriptionEquals(a, b)).toBe(true);
    expect(serverDescriptionEquals(a, makeServerDescription('a', { type: 'RSSecondary', hosts: ['a:27017'] }))).toBe(false);
  });

  it('compares electionId and error by value', () => {
    const id = new ObjectId();
    const a = makeServerDescription('a', { electionId: id });
    expect(serverDescriptionEquals(a, makeServerDescription('a', { electionId: new ObjectId(id.toHexString()) }))).toBe(true);
    const e1 = unknownServerDescription('a', { error: new MongoNetworkError('x') });
    expect(serverDescriptionEquals(e1, unknownServerDescription('a', { error: new MongoNetworkError('x') }))).toBe(true);
    expect(serverDescriptionEquals(e1, unknownServerDescription('a', { error: new MongoNetworkError('y') }))).toBe(false);
  });
});

describe('small helpers', () => {
  it('leaves load balancer wire versions unset', () => {
    const lb = loadBalancerServerDescription('lb');
    expect([lb.type, lb.minWireVersion, lb.maxWireVersion]).toEqual(['LoadBalancer', null, null]);
  });

  it('normalizes IPv6 literals and explicit ports', () => {
    expect(normalizeAddress('[::1]')).toBe('[::1]:27017');
    expect(normalizeAddress('[::1]:27018')).toBe('[::1]:27018');
    expect(normalizeAddress('Host:1')).toBe('host:1');
  });

  it('averages RTT with alpha 0.2', () => {
    expect(averageRoundTripTime(null, 10)).toBe(10);
    expect(averageRoundTripTime(10, 20)).toBeCloseTo(12, 10);
  });
});
