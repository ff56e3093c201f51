// What the unified format asks of a runner on sharded deployments ("Executing a Test", and
// "MigrationConflict Errors" / "StaleDbVersion Errors on Sharded Clusters" in
// unified-test-format.md):
//  - collect the internal client's cluster time after initialData and advance every session
//    entity's cluster time to it, so a transaction's first statement gossips a time at least as
//    new as the setup's writes (sharded or load-balanced targets);
//  - before a test that might run `distinct` in a transaction, run a non-transactional
//    `distinct` on each mongos for each target collection (sharded targets).
import { ConnectionString } from 'mongodb-connection-string-url';
import type { Document } from '../../src/bson.js';
import { isDocument } from './bson-values.js';
import type { ClientHandle } from './adapter.js';
import type { RunnerEnv } from './context.js';
import type { EntitySpec, UnifiedTest } from './model.js';

/** Whether the test's sessions get the internal client's cluster time (the spec's "sharded or load-balanced"). */
export function gossipsClusterTime(env: RunnerEnv): boolean {
  return env.info.topology === 'sharded' || env.info.topology === 'load-balanced';
}

/** The internal client's cluster time: the $clusterTime of a ping on the mongos it used for initialData. */
export async function internalClusterTime(env: RunnerEnv): Promise<Document | undefined> {
  const reply = await env.internal.database('admin').run('runCommand', { command: { ping: 1 }, commandName: 'ping' });
  const clusterTime = isDocument(reply) ? reply.$clusterTime : undefined;
  return isDocument(clusterTime) ? clusterTime : undefined;
}

/** Whether the test might run `distinct` (as an operation or a runCommand). */
export function mightRunDistinct(test: UnifiedTest): boolean {
  return JSON.stringify(test.operations).includes('"distinct"');
}

/** "db.coll" of every collection entity `entities` create (the test's target collections). */
export function targetCollections(entities: readonly EntitySpec[]): Array<{ databaseName: string; collectionName: string }> {
  const databases = new Map<string, string>();
  for (const spec of entities) if (spec.database !== undefined) databases.set(spec.database.id, spec.database.databaseName);
  const targets: Array<{ databaseName: string; collectionName: string }> = [];
  for (const spec of entities) {
    const databaseName = spec.collection === undefined ? undefined : databases.get(spec.collection.database);
    if (spec.collection !== undefined && databaseName !== undefined) targets.push({ databaseName, collectionName: spec.collection.collectionName });
  }
  return targets;
}

/** The uri of each mongos alone (the multi-mongos uri with one host), credentials and options kept. */
export function eachMongosUri(multiMongosUri: string): string[] {
  const all = new ConnectionString(multiMongosUri);
  return all.hosts.map((host) => {
    const one = all.clone();
    one.hosts = [host];
    return one.toString();
  });
}

/** Runs a non-transactional distinct on each mongos for each target collection (StaleDbVersion workaround). */
export async function distinctOnEveryMongos(env: RunnerEnv, targets: ReadonlyArray<{ databaseName: string; collectionName: string }>): Promise<void> {
  if (env.info.topology !== 'sharded' || env.multiMongosUri === undefined || targets.length === 0) return;
  for (const uri of eachMongosUri(env.multiMongosUri)) {
    const client = await env.adapter.createClient({ uri, onEvent: () => undefined });
    try {
      for (const { databaseName, collectionName } of targets) {
        await client.database(databaseName).run('runCommand', { command: { distinct: collectionName, key: '_id' }, commandName: 'distinct' });
      }
    } finally {
      await client.close();
    }
  }
}

/**
 * Runs `action` through a direct client to each mongos of a sharded target other than the one the
 * internal client uses (env.uri); nothing on other topologies.
 */
export async function onEveryOtherMongos(env: RunnerEnv, action: (client: ClientHandle) => Promise<unknown>): Promise<void> {
  if (env.info.topology !== 'sharded' || env.multiMongosUri === undefined) return;
  const internalHosts = new Set(new ConnectionString(env.uri).hosts);
  for (const uri of eachMongosUri(env.multiMongosUri)) {
    if (new ConnectionString(uri).hosts.every((host) => internalHosts.has(host))) continue;
    const client = await env.adapter.createClient({ uri, onEvent: () => undefined });
    try {
      await action(client);
    } finally {
      await client.close();
    }
  }
}
