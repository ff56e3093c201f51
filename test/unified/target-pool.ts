// The targets of one vitest file and the choice of target per test. Each candidate topology is
// started on first use only (with its internal client and discovered ServerInfo) and stopped
// after the file. A test runs on the first candidate, in the suite's order of preference, whose
// deployment meets its runOnRequirements; it is "not applicable" only when none does.
// With an external deployment (MONGODB_URI) there is exactly one target, whatever it is.
import type { DriverAdapter } from './adapter.js';
import type { LoopControl, RunnerEnv } from './context.js';
import type { UnifiedFile, UnifiedTest } from './model.js';
import { admitsTopology, discoverServer } from './requirements.js';
import { skipReasonFor } from './runner.js';
import { isExternalTarget, startTarget, unavailableTopology, type Target, type TargetTopology } from './target.js';

export interface TargetPoolOptions {
  adapter: DriverAdapter;
  /** Topologies to try for each test, most preferred first (ignored with MONGODB_URI). */
  topologies: readonly TargetTopology[];
  auth?: boolean;
  /** With auth: the embedded server simulates an OIDC identity provider (target.ts). */
  oidc?: boolean;
  /** Members of the embedded 'replicaset' target (default 1). */
  replicaSetMembers?: number;
  loop?: LoopControl;
}

export type TargetChoice = { env: RunnerEnv; topology: TargetTopology } | { notApplicable: string };

interface Started {
  env: Promise<RunnerEnv>;
  /** Set once the server is up, even when connecting to it then fails (it must still be stopped). */
  target: () => Target | undefined;
}

export class TargetPool {
  private readonly started = new Map<TargetTopology, Started>();
  private readonly external = isExternalTarget();

  constructor(private readonly options: TargetPoolOptions) {
    if (options.topologies.length === 0) throw new Error('a target pool needs at least one topology');
  }

  /** The suite's candidates; an external deployment is one target, filed under the first topology. */
  private candidates(): readonly TargetTopology[] {
    return this.external ? this.options.topologies.slice(0, 1) : this.options.topologies;
  }

  /** The env of one topology, starting its target on first use. */
  envFor(topology: TargetTopology): Promise<RunnerEnv> {
    const existing = this.started.get(topology);
    if (existing) return existing.env;
    let target: Target | undefined;
    const env = (async (): Promise<RunnerEnv> => {
      target = await startTarget({ topology, auth: this.options.auth, oidc: this.options.oidc, replicaSetMembers: this.options.replicaSetMembers });
      const { adapter, loop } = this.options;
      const internal = await adapter.createClient({ uri: target.uri, onEvent: () => {} });
      const info = await discoverServer(internal, target.uri);
      const multi = target.multiMongosUri;
      return { adapter, uri: target.uri, ...(multi !== undefined ? { multiMongosUri: multi } : {}), internal, info, ...(loop ? { loop } : {}) };
    })();
    this.started.set(topology, { env, target: () => target });
    return env;
  }

  async choose(file: UnifiedFile, test: UnifiedTest): Promise<TargetChoice> {
    if (test.skipReason !== undefined) return { notApplicable: `skipReason: ${test.skipReason}` };
    const reasons: string[] = [];
    for (const topology of this.candidates()) {
      // Without MONGODB_URI the topology is known before starting: do not start a server the test cannot use.
      if (!this.external && !(admitsTopology(file.runOnRequirements, topology) && admitsTopology(test.runOnRequirements, topology))) {
        reasons.push(`runOnRequirements not met by ${topology} (topologies)`);
        continue;
      }
      const unavailable = this.external ? undefined : unavailableTopology(topology);
      if (unavailable !== undefined) {
        reasons.push(unavailable);
        continue;
      }
      const env = await this.envFor(topology);
      const reason = await skipReasonFor(env, file, test);
      if (reason === undefined) return { env, topology };
      reasons.push(reason);
    }
    return { notApplicable: reasons.join('; ') };
  }

  /** The topologies started so far, in order. */
  startedTopologies(): TargetTopology[] {
    return [...this.started.keys()];
  }

  /** Closes the internal clients and stops every started target; never throws. */
  async stop(): Promise<void> {
    const entries = [...this.started.values()];
    this.started.clear();
    for (const entry of entries) {
      const env = await entry.env.catch(() => undefined);
      await env?.internal.close().catch(() => {});
      await entry.target()?.stop().catch(() => {});
    }
  }
}
