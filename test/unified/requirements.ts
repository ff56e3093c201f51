// runOnRequirements evaluated against the live deployment (buildInfo, hello, getParameter).
import type { Document } from '../../src/bson.js';
import type { ClientHandle } from './adapter.js';
import { scalarEquals } from './bson-values.js';
import type { RunOnRequirement, Topology } from './model.js';
import { compareVersions, parseVersion, type Version } from './version.js';

export interface ServerInfo {
  version: Version;
  versionText: string;
  topology: Exclude<Topology, 'sharded-replicaset'>;
  auth: boolean;
  /** getParameter results, fetched on demand and cached; undefined = unsupported. */
  parameter(name: string): Promise<unknown>;
}

async function command(client: ClientHandle, cmd: Document): Promise<Document> {
  return (await client.database('admin').run('runCommand', { command: cmd, commandName: Object.keys(cmd)[0] })) as Document;
}

export async function discoverServer(internal: ClientHandle, uri: string): Promise<ServerInfo> {
  const build = await command(internal, { buildInfo: 1 });
  const hello = await command(internal, { hello: 1 });
  const versionArray = Array.isArray(build.versionArray) ? build.versionArray.slice(0, 3).map(Number) : undefined;
  const version: Version = versionArray && versionArray.length === 3 ? [versionArray[0], versionArray[1], versionArray[2]] : parseVersion(String(build.version));
  let topology: ServerInfo['topology'] = 'single';
  if (/[?&]loadBalanced=true/iu.test(uri) || hello.serviceId !== undefined) topology = 'load-balanced';
  else if (hello.msg === 'isdbgrid') topology = 'sharded';
  else if (typeof hello.setName === 'string') topology = 'replicaset';
  const cache = new Map<string, Promise<unknown>>();
  return {
    version,
    versionText: version.join('.'),
    topology,
    auth: /^mongodb(\+srv)?:\/\/[^/@]+@/u.test(uri),
    parameter(name) {
      let p = cache.get(name);
      if (!p) {
        p = command(internal, { getParameter: 1, [name]: 1 }).then(
          (reply) => reply[name],
          () => undefined,
        );
        cache.set(name, p);
      }
      return p;
    },
  };
}

async function satisfied(req: RunOnRequirement, info: ServerInfo): Promise<boolean> {
  if (req.minServerVersion && compareVersions(info.version, parseVersion(req.minServerVersion)) < 0) return false;
  if (req.maxServerVersion && compareVersions(info.version, parseVersion(req.maxServerVersion)) > 0) return false;
  if (req.topologies) {
    // Every shard of a modern sharded cluster is a replica set, so "sharded-replicaset" is met by "sharded".
    const ok = req.topologies.some((t) => t === info.topology || (t === 'sharded-replicaset' && info.topology === 'sharded'));
    if (!ok) return false;
  }
  if (req.serverless === 'require') return false;
  if (req.auth !== undefined && req.auth !== info.auth) return false;
  if (req.authMechanism !== undefined) {
    const mechs = await info.parameter('authenticationMechanisms');
    if (!Array.isArray(mechs) || !mechs.some((m) => String(m).toLowerCase() === req.authMechanism?.toLowerCase())) return false;
  }
  // No libmongocrypt here: CSFLE is never supported.
  if (req.csfle !== undefined && req.csfle !== false) return false;
  if (req.serverParameters) {
    for (const [name, expected] of Object.entries(req.serverParameters)) {
      const actual = await info.parameter(name);
      if (actual === undefined || !scalarEquals(expected, actual)) return false;
    }
  }
  return true;
}

/** undefined when the requirements are met (or absent); otherwise the skip reason. */
export async function unmetRequirements(reqs: RunOnRequirement[] | undefined, info: ServerInfo): Promise<string | undefined> {
  if (!reqs || reqs.length === 0) return undefined;
  for (const r of reqs) if (await satisfied(r, info)) return undefined;
  return `runOnRequirements not met by ${info.topology} ${info.versionText}`;
}

/**
 * Whether some requirement could be met by a deployment of this topology (the topologies field alone):
 * lets the runner pick a target before starting it. The full check still runs on the started target.
 */
export function admitsTopology(reqs: RunOnRequirement[] | undefined, topology: ServerInfo['topology']): boolean {
  if (!reqs || reqs.length === 0) return true;
  // As in satisfied(): a sharded cluster (of replica-set shards) meets "sharded-replicaset" too.
  return reqs.some((r) => r.topologies === undefined || r.topologies.includes(topology) || (topology === 'sharded' && r.topologies.includes('sharded-replicaset')));
}
