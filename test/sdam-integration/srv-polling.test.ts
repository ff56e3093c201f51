// SRV polling: the pure host-application rule and the poller driving a Topology
// through an injected resolver.
import { describe, expect, it } from 'vitest';
import type { DnsResolver, SrvRecord } from '../../src/connection/srv/resolver.js';
import { applySrvHosts, SrvPoller } from '../../src/sdam/srv-polling.js';
import { createTopologyDescription } from '../../src/sdam/topology-description.js';
import { serverDescriptionFromHello } from '../../src/sdam/server-description.js';
import { updateTopology } from '../../src/sdam/update-topology.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { EventRecorder, useCleanup } from './support.js';

const SRV_HOST = 'cluster.example.test';

function resolverFrom(answers: () => SrvRecord[] | Error): DnsResolver & { calls: number } {
  const resolver = {
    calls: 0,
    async resolveSrv(): Promise<SrvRecord[]> {
      resolver.calls += 1;
      const answer = answers();
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async resolveTxt(): Promise<string[][]> {
      return [];
    },
  };
  return resolver;
}

const record = (name: string, port = 27017): SrvRecord => ({ name, port, priority: 0, weight: 0 });

describe('applySrvHosts', () => {
  const initial = createTopologyDescription({ seeds: ['a.example.test:27017', 'b.example.test:27017'] });

  it('removes missing hosts, keeps unchanged ones as they are and adds new ones as Unknown', () => {
    const known = updateTopology(initial, serverDescriptionFromHello('a.example.test:27017', { ok: 1, msg: 'isdbgrid', maxWireVersion: 21 }));
    const next = applySrvHosts(known, ['a.example.test:27017', 'c.example.test:27017'], 0);
    expect([...next.servers.keys()]).toEqual(['a.example.test:27017', 'c.example.test:27017']);
    expect(next.servers.get('a.example.test:27017')).toBe(known.servers.get('a.example.test:27017'));
    expect(next.servers.get('c.example.test:27017')?.type).toBe('Unknown');
    expect(next.type).toBe('Sharded');
  });

  it('returns the same description when nothing changed', () => {
    expect(applySrvHosts(initial, ['b.example.test:27017', 'a.example.test:27017'], 0)).toBe(initial);
  });

  it('with srvMaxHosts adds random new hosts only up to the limit', () => {
    const next = applySrvHosts(initial, ['a.example.test', 'c.example.test', 'd.example.test', 'e.example.test'], 3, () => 0);
    expect(next.servers.size).toBe(3);
    expect(next.servers.has('a.example.test:27017')).toBe(true);
    expect(next.servers.has('b.example.test:27017')).toBe(false);
  });
});

describe('SrvPoller', () => {
  it('filters records outside the SRV host domain and reports failures as empty rescans', async () => {
    let answer: SrvRecord[] | Error = [record('a.example.test.'), record('evil.other.test'), record('b.example.test', 27018)];
    const problems: string[] = [];
    const poller = new SrvPoller({ srvHost: SRV_HOST, resolver: resolverFrom(() => answer), heartbeatFrequencyMS: 10, onHosts: () => {}, onProblem: (p) => problems.push(p) });
    expect(await poller.rescan()).toEqual(['a.example.test:27017', 'b.example.test:27018']);
    expect(problems.join('\n')).toMatch(/evil\.other\.test/);
    answer = Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEOUT' });
    expect(await poller.rescan()).toEqual([]);
    expect(problems.at(-1)).toMatch(/ETIMEOUT/);
  });
});

describe('Topology SRV polling', () => {
  const cleanup = useCleanup();

  it('adds and removes mongos hosts from rescans while the topology is Unknown or Sharded', async () => {
    let answer: SrvRecord[] | Error = [record('a.example.test'), record('c.example.test')];
    const resolver = resolverFrom(() => answer);
    const recorder = new EventRecorder();
    const topology = cleanup.track(
      createTopology({
        seeds: ['a.example.test:27017', 'b.example.test:27017'],
        heartbeatFrequencyMS: 10_000,
        serverMonitoringMode: 'poll',
        srv: { srvHost: SRV_HOST, resolver, rescanIntervalMS: 20 },
        events: recorder.sink,
      }),
    );
    topology.open();
    await recorder.waitFor((events) => events.some((e) => e.type === 'serverClosed'), 2000, 'the SRV change');
    expect([...topology.description.servers.keys()]).toEqual(['a.example.test:27017', 'c.example.test:27017']);
    expect(recorder.of('serverOpening').map((e) => e.address)).toContain('c.example.test:27017');
    expect(recorder.of('serverClosed').map((e) => e.address)).toEqual(['b.example.test:27017']);
    expect(topology.serverFor('b.example.test:27017')).toBeUndefined();
    expect(topology.serverFor('c.example.test:27017')).toBeDefined();

    // A failing lookup changes nothing.
    answer = new Error('SERVFAIL');
    const calls = resolver.calls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(resolver.calls).toBeGreaterThan(calls);
    expect([...topology.description.servers.keys()]).toEqual(['a.example.test:27017', 'c.example.test:27017']);
    await topology.close();
    const after = resolver.calls;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(resolver.calls).toBe(after);
  });
});
