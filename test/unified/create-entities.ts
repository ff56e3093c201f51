// createEntities: builds client, database, collection, session, bucket and thread entities.
import { ConnectionString } from 'mongodb-connection-string-url';
import type { Document } from '../../src/bson.js';
import { isDocument } from './bson-values.js';
import type { TestContext } from './context.js';
import type { ClientEntity } from './entities.js';
import { recordEvent } from './events.js';
import type { ClientEntitySpec, EntitySpec } from './model.js';
import type { ServerInfo } from './requirements.js';

/** Applied unless the test sets them: fail fast instead of the 30 s default when the target is unreachable. */
const DEFAULT_URI_OPTIONS: Document = { serverSelectionTimeoutMS: 5000 };
/** The spec allows faster heartbeats for tests using fail points, so SDAM recovers quickly. */
const FAILPOINT_HEARTBEAT_MS = 500;
const FAILPOINT_MIN_HEARTBEAT_MS = 50;

const OIDC = 'MONGODB-OIDC';

function isPlaceholder(value: unknown): boolean {
  return isDocument(value) && Object.keys(value).length === 1 && '$$placeholder' in value;
}

function uriValue(key: string, value: unknown): string[] {
  if (isPlaceholder(value)) {
    throw new Error(`uriOptions.${key}: $$placeholder values are not supported by this runner here (it replaces only MONGODB-OIDC authMechanismProperties)`);
  }
  if (Array.isArray(value)) return value.map(String);
  if (isDocument(value)) {
    return [
      Object.entries(value)
        .map(([k, v]) => {
          if (isPlaceholder(v)) throw new Error(`uriOptions.${key}.${k}: $$placeholder values are not supported by this runner here`);
          return `${k}:${String(v)}`;
        })
        .join(','),
    ];
  }
  return [String(value)];
}

/**
 * $$placeholder in MONGODB-OIDC authMechanismProperties (the whole document, or its ENVIRONMENT)
 * stands for the test environment's OIDC configuration: here always ENVIRONMENT:test, whose token
 * file the OIDC target provides (oidc-target.ts), as the auth spec's test environment does.
 */
function withOidcEnvironment(uriOptions: Document): Document {
  const mechanism = uriOptions.authMechanism;
  const properties: unknown = uriOptions.authMechanismProperties;
  if (typeof mechanism !== 'string' || mechanism.toUpperCase() !== OIDC || !isDocument(properties)) return uriOptions;
  if (isPlaceholder(properties)) return { ...uriOptions, authMechanismProperties: { ENVIRONMENT: 'test' } };
  if (isPlaceholder(properties.ENVIRONMENT)) return { ...uriOptions, authMechanismProperties: { ...properties, ENVIRONMENT: 'test' } };
  return uriOptions;
}

export function buildClientUri(base: string, uriOptions: Document | undefined, usesFailPoints: boolean): string {
  const cs = new ConnectionString(base);
  const params = cs.searchParams;
  const has = (key: string): boolean => [...params.keys()].some((k) => k.toLowerCase() === key.toLowerCase());
  const given = withOidcEnvironment(uriOptions ?? {});
  // The target's credentials are the runner's SCRAM user: a MONGODB-OIDC client authenticates with its token alone.
  if (typeof given.authMechanism === 'string' && given.authMechanism.toUpperCase() === OIDC) {
    cs.username = '';
    cs.password = '';
  }
  const givenKeys = Object.keys(given).map((k) => k.toLowerCase());
  for (const [key, value] of Object.entries(given)) {
    for (const existing of [...params.keys()]) if (existing.toLowerCase() === key.toLowerCase()) params.delete(existing);
    for (const v of uriValue(key, value)) params.append(key, v);
  }
  for (const [key, value] of Object.entries(DEFAULT_URI_OPTIONS)) {
    if (!givenKeys.includes(key.toLowerCase()) && !has(key)) params.set(key, String(value));
  }
  if (usesFailPoints && !givenKeys.includes('heartbeatfrequencyms') && !has('heartbeatFrequencyMS')) {
    params.set('heartbeatFrequencyMS', String(FAILPOINT_HEARTBEAT_MS));
  }
  return cs.toString();
}

/**
 * useMultipleMongoses (unified-test-format.md): on a load-balanced target true or unset picks the
 * balancer fronting several services; on a sharded one only true names every mongos, false or
 * unset the first alone (unset "MUST NOT enforce any limit": one mongos keeps failPoint
 * operations, which configure the mongos the client selects, on the mongos it then uses).
 */
export function usesMultipleMongoses(topology: ServerInfo['topology'], useMultipleMongoses: boolean | undefined): boolean {
  if (topology === 'sharded') return useMultipleMongoses === true;
  return topology === 'load-balanced' && useMultipleMongoses !== false;
}

function clientBaseUri(ctx: TestContext, spec: ClientEntitySpec): string {
  const multi = ctx.env.multiMongosUri;
  return multi !== undefined && usesMultipleMongoses(ctx.env.info.topology, spec.useMultipleMongoses) ? multi : ctx.env.uri;
}

async function createClient(ctx: TestContext, spec: ClientEntitySpec): Promise<ClientEntity> {
  const stores = (spec.storeEventsAsEntities ?? []).map((s) => {
    const list: Document[] = [];
    ctx.entities.set(s.id, { kind: 'events', events: list });
    return { names: new Set(s.events), list };
  });
  const entity: ClientEntity = {
    kind: 'client',
    handle: undefined as never,
    spec,
    events: [],
    logs: [],
    checkedOut: 0,
    connectionsReady: 0,
    listening: true,
    closed: false,
  };
  entity.handle = await ctx.env.adapter.createClient({
    uri: buildClientUri(clientBaseUri(ctx, spec), spec.uriOptions, ctx.usesFailPoints),
    serverApi: spec.serverApi,
    minHeartbeatFrequencyMS: ctx.usesFailPoints && spec.uriOptions?.heartbeatFrequencyMS === undefined ? FAILPOINT_MIN_HEARTBEAT_MS : undefined,
    onEvent: (e) => recordEvent(entity, stores, e),
    observeLogMessages: spec.observeLogMessages,
    onLog: (m) => {
      if (entity.listening) entity.logs.push(m);
    },
  });
  if (spec.awaitMinPoolSizeMS !== undefined) await awaitMinPool(entity, spec);
  return entity;
}

/** awaitMinPoolSizeMS: wait for minPoolSize ready connections, then forget the events seen so far. */
async function awaitMinPool(entity: ClientEntity, spec: ClientEntitySpec): Promise<void> {
  const min = Number(spec.uriOptions?.minPoolSize ?? 0);
  const deadline = Date.now() + Number(spec.awaitMinPoolSizeMS);
  while (entity.connectionsReady < min) {
    if (Date.now() > deadline) throw new Error(`awaitMinPoolSizeMS: pool did not reach minPoolSize ${min} within ${String(spec.awaitMinPoolSizeMS)} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  entity.events.length = 0;
  entity.logs.length = 0;
}

/** The cluster time each test's session entities are advanced to when created (see gossipToSessions). */
const sessionClusterTimes = new WeakMap<TestContext, Document>();

/**
 * Session entities the test creates from now on (createEntities, or the createEntities operation)
 * start with `clusterTime`: the internal client's, collected after initialData on sharded and
 * load-balanced targets (unified-test-format.md, "MigrationConflict Errors on Sharded Clusters").
 */
export function gossipToSessions(ctx: TestContext, clusterTime: Document | undefined): void {
  if (clusterTime !== undefined) sessionClusterTimes.set(ctx, clusterTime);
}

export async function createEntity(ctx: TestContext, spec: EntitySpec): Promise<void> {
  const e = ctx.entities;
  if (spec.client) {
    e.set(spec.client.id, await createClient(ctx, spec.client));
  } else if (spec.database) {
    const client = e.client(spec.database.client);
    e.set(spec.database.id, { kind: 'database', handle: client.handle.database(spec.database.databaseName, spec.database.databaseOptions) });
  } else if (spec.collection) {
    const db = e.of(spec.collection.database, 'database').handle;
    e.set(spec.collection.id, { kind: 'collection', handle: db.collection(spec.collection.collectionName, spec.collection.collectionOptions) });
  } else if (spec.session) {
    const client = e.client(spec.session.client);
    // sessionOptions.snapshotTime names the entity that holds the time (unified-test-format.md).
    const options = spec.session.sessionOptions;
    const snapshotTime: unknown = options?.snapshotTime;
    const resolved = typeof snapshotTime === 'string' ? { ...options, snapshotTime: e.valueOf(snapshotTime) } : options;
    const handle = client.handle.startSession(resolved);
    const clusterTime = sessionClusterTimes.get(ctx);
    if (clusterTime !== undefined) handle.advanceClusterTime(clusterTime);
    e.set(spec.session.id, { kind: 'session', handle });
  } else if (spec.bucket) {
    const db = e.of(spec.bucket.database, 'database').handle;
    e.set(spec.bucket.id, { kind: 'bucket', handle: db.bucket(spec.bucket.bucketOptions) });
  } else if (spec.thread) {
    e.set(spec.thread.id, { kind: 'thread', tail: Promise.resolve() });
  } else if (spec.clientEncryption) {
    throw new Error('clientEncryption entities are not supported (no libmongocrypt)');
  } else {
    throw new Error(`unknown entity type ${Object.keys(spec).join(', ')}`);
  }
}
