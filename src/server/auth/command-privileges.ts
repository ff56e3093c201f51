// Which privileges (action on resource) each command needs, after mongod's
// addRequiredPrivileges / doCheckAuthorization of each command (mongodb/mongo
// src/mongo/db/commands/*.cpp; action names from src/mongo/db/auth/action_type.idl).
// One compact table; commands not listed are treated as cluster administration:
// they need the cluster action named after the command, which only root and
// clusterAdmin grant (an approximation for the test and admin commands).
import type { Document } from '../../bson.js';
import type { Resource } from './roles.js';
import { isDocument } from '../../util/is-document.js';

export interface Privilege {
  readonly action: string;
  readonly resource: Resource;
}

type Rule = (body: Document, db: string) => Privilege[];

const collectionOf = (body: Document, db: string, field?: string): Resource => {
  const name = field === undefined ? Object.values(body)[0] : body[field];
  // aggregate: 1 and other non-string targets act on the database.
  return typeof name === 'string' ? { kind: 'collection', db, coll: name } : { kind: 'database', db };
};
const onCollection = (...actions: string[]): Rule => (body, db) => actions.map((action) => ({ action, resource: collectionOf(body, db) }));
const onDatabase = (...actions: string[]): Rule => (_body, db) => actions.map((action) => ({ action, resource: { kind: 'database', db } }));
const onCluster = (...actions: string[]): Rule => () => actions.map((action) => ({ action, resource: { kind: 'cluster' } }));
const NONE: Rule = () => [];

const hasUpsert = (statements: unknown): boolean => Array.isArray(statements) && statements.some((s) => isDocument(s) && s.upsert === true);

/** The target collection of a trailing $out / $merge stage: it needs insert and remove (mongod: + update for $merge). */
function aggregateWrites(body: Document, db: string): Privilege[] {
  const pipeline = Array.isArray(body.pipeline) ? body.pipeline : [];
  const last: unknown = pipeline[pipeline.length - 1];
  if (!isDocument(last)) return [];
  const spec: unknown = last.$out ?? last.$merge;
  if (spec === undefined) return [];
  let target: Resource | undefined;
  if (typeof spec === 'string') target = { kind: 'collection', db, coll: spec };
  else if (isDocument(spec)) {
    const into: unknown = spec.into ?? spec.coll;
    const targetDb = typeof spec.db === 'string' ? spec.db : isDocument(into) && typeof into.db === 'string' ? into.db : db;
    const coll = typeof into === 'string' ? into : isDocument(into) && typeof into.coll === 'string' ? into.coll : undefined;
    if (coll !== undefined) target = { kind: 'collection', db: targetDb, coll };
  }
  if (target === undefined) return [];
  const actions = last.$merge !== undefined ? ['insert', 'update'] : ['insert', 'remove'];
  return actions.map((action) => ({ action, resource: target }));
}

/**
 * Collections an aggregation reads besides its own: $lookup / $graphLookup `from` and $unionWith,
 * at any depth of sub-pipelines ($facet included); each needs find (mongod: aggregation_request_helper
 * + LiteParsedPipeline::getInvolvedNamespaces). A leading $changeStream also needs changeStream.
 */
function aggregateReads(body: Document, db: string): Privilege[] {
  const out: Privilege[] = [];
  const pipeline: unknown[] = Array.isArray(body.pipeline) ? body.pipeline : [];
  const first: unknown = pipeline[0];
  if (isDocument(first) && first.$changeStream !== undefined) out.push({ action: 'changeStream', resource: collectionOf(body, db) });
  const visit = (stages: unknown[]): void => {
    for (const stage of stages) {
      if (!isDocument(stage)) continue;
      for (const [name, spec] of Object.entries(stage)) {
        let from: unknown;
        if (name === '$lookup' || name === '$graphLookup') from = isDocument(spec) ? spec.from : undefined;
        else if (name === '$unionWith') from = typeof spec === 'string' ? spec : isDocument(spec) ? spec.coll : undefined;
        if (typeof from === 'string') out.push({ action: 'find', resource: { kind: 'collection', db, coll: from } });
        if (isDocument(spec) && Array.isArray(spec.pipeline)) visit(spec.pipeline);
        if (name === '$facet' && isDocument(spec)) for (const sub of Object.values(spec)) if (Array.isArray(sub)) visit(sub);
      }
    }
  };
  visit(pipeline);
  return out;
}

/** grantRole (or revokeRole) on the database of each role named in `roles` (mongod's auth_checks.cpp). */
function onRoleDatabases(action: string): Rule {
  return (body, db) => {
    const roles: unknown[] = Array.isArray(body.roles) ? body.roles : [];
    const dbs = new Set(roles.map((entry) => (isDocument(entry) && typeof entry.db === 'string' ? entry.db : db)));
    return [...dbs].map((roleDb) => ({ action, resource: { kind: 'database', db: roleDb } }));
  };
}

/** bulkWrite runs on admin, but each op needs its own action on its namespace (mongod's bulk_write_common.cpp). */
function bulkWritePrivileges(body: Document): Privilege[] {
  const nsInfo = Array.isArray(body.nsInfo) ? body.nsInfo : [];
  const out: Privilege[] = [];
  for (const op of Array.isArray(body.ops) ? body.ops : []) {
    if (!isDocument(op)) continue;
    const kind = ['insert', 'update', 'delete'].find((k) => op[k] !== undefined);
    const index = kind === undefined ? undefined : op[kind];
    const entry: unknown = typeof index === 'number' ? nsInfo[index] : undefined;
    const ns = isDocument(entry) && typeof entry.ns === 'string' ? entry.ns : undefined;
    if (kind === undefined || ns === undefined || !ns.includes('.')) continue;
    const dot = ns.indexOf('.');
    const resource: Resource = { kind: 'collection', db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
    out.push({ action: kind === 'delete' ? 'remove' : kind, resource });
    if (kind === 'update' && op.upsert === true) out.push({ action: 'insert', resource });
  }
  return out;
}

function renamePrivileges(body: Document): Privilege[] {
  const split = (ns: unknown): { db: string; coll: string } | undefined => {
    if (typeof ns !== 'string' || !ns.includes('.')) return undefined;
    const dot = ns.indexOf('.');
    return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
  };
  const from = split(body.renameCollection);
  const to = split(body.to);
  if (from === undefined || to === undefined) return [{ action: 'renameCollectionSameDB', resource: { kind: 'cluster' } }];
  if (from.db === to.db) return [{ action: 'renameCollectionSameDB', resource: { kind: 'database', db: from.db } }];
  const source: Resource = { kind: 'collection', ...from };
  const target: Resource = { kind: 'collection', ...to };
  return [
    { action: 'find', resource: source },
    { action: 'dropCollection', resource: source },
    { action: 'insert', resource: target },
    { action: 'createIndex', resource: target },
  ];
}

const TABLE: Readonly<Record<string, Rule>> = {
  // No privileges: every authenticated user (mongod: empty addRequiredPrivileges / doCheckAuthorization).
  hello: NONE, ping: NONE, buildInfo: NONE, connectionStatus: NONE, listCommands: NONE, whatsmyuri: NONE, logout: NONE,
  saslStart: NONE, saslContinue: NONE, authenticate: NONE, startSession: NONE, endSessions: NONE, refreshSessions: NONE,
  killSessions: NONE, commitTransaction: NONE, abortTransaction: NONE, getLastError: NONE,
  // Approximations: mongod checks a getMore against the cursor's creator (who already passed the find check)
  // and answers listDatabases with only the databases the user may see; here both are open to any user.
  getMore: NONE, listDatabases: NONE,
  find: onCollection('find'), count: onCollection('find'), distinct: onCollection('find'),
  aggregate: (body, db) => [{ action: 'find', resource: collectionOf(body, db) }, ...aggregateReads(body, db), ...aggregateWrites(body, db)],
  insert: onCollection('insert'),
  update: (body, db) => [...onCollection('update')(body, db), ...(hasUpsert(body.updates) ? onCollection('insert')(body, db) : [])],
  delete: onCollection('remove'),
  findAndModify: (body, db) => {
    const write = body.remove === true ? ['remove'] : body.upsert === true ? ['update', 'insert'] : ['update'];
    return onCollection('find', ...write)(body, db);
  },
  bulkWrite: (body) => bulkWritePrivileges(body),
  killCursors: onCollection('killCursors'),
  listIndexes: onCollection('listIndexes'), createIndexes: onCollection('createIndex'), dropIndexes: onCollection('dropIndex'),
  create: (body, db) => {
    const privileges = onCollection('createCollection')(body, db);
    if (typeof body.viewOn === 'string') privileges.push({ action: 'find', resource: { kind: 'collection', db, coll: body.viewOn } });
    return privileges;
  },
  drop: onCollection('dropCollection'), collMod: onCollection('collMod'), collStats: onCollection('collStats'), validate: onCollection('validate'),
  listSearchIndexes: onCollection('listSearchIndexes'), createSearchIndexes: onCollection('createSearchIndexes'),
  dropSearchIndex: onCollection('dropSearchIndex'), updateSearchIndex: onCollection('updateSearchIndex'),
  renameCollection: (body) => renamePrivileges(body),
  // authorizedCollections + nameOnly needs any privilege in the database (mongod's
  // checkAuthorizedToListCollections; mongod then lists only what the user may see, here all of them).
  listCollections: (body, db) => onDatabase(body.authorizedCollections === true && body.nameOnly === true ? '*' : 'listCollections')(body, db), dbStats: onDatabase('dbStats'), dropDatabase: onDatabase('dropDatabase'),
  createUser: (body, db) => [...onDatabase('createUser')(body, db), ...onRoleDatabases('grantRole')(body, db)],
  updateUser: (body, db) => [
    ...(body.pwd !== undefined ? onDatabase('changePassword')(body, db) : []),
    ...(body.customData !== undefined ? onDatabase('changeCustomData')(body, db) : []),
    ...(body.roles !== undefined ? [...onRoleDatabases('grantRole')(body, db), ...onDatabase('revokeRole')(body, db)] : []),
  ],
  dropUser: onDatabase('dropUser'), dropAllUsersFromDatabase: onDatabase('dropUser'),
  grantRolesToUser: onRoleDatabases('grantRole'), revokeRolesFromUser: onRoleDatabases('revokeRole'),
  createRole: (body, db) => [...onDatabase('createRole')(body, db), ...onRoleDatabases('grantRole')(body, db)],
  updateRole: (body, db) => [...onDatabase('grantRole', 'revokeRole')(body, db), ...(body.roles !== undefined ? onRoleDatabases('grantRole')(body, db) : [])],
  dropRole: onDatabase('dropRole'), dropAllRolesFromDatabase: onDatabase('dropRole'),
  grantRolesToRole: onRoleDatabases('grantRole'), revokeRolesFromRole: onRoleDatabases('revokeRole'),
  grantPrivilegesToRole: onDatabase('grantRole'), revokePrivilegesFromRole: onDatabase('revokeRole'),
  rolesInfo: onDatabase('viewRole'),
  usersInfo: (body, db) => (isDocument(body.usersInfo) && body.usersInfo.forAllDBs === true ? onCluster('viewUser')(body, db) : onDatabase('viewUser')(body, db)),
  serverStatus: onCluster('serverStatus'), hostInfo: onCluster('hostInfo'), getCmdLineOpts: onCluster('getCmdLineOpts'), getLog: onCluster('getLog'),
  getParameter: onCluster('getParameter'), replSetGetStatus: onCluster('replSetGetStatus'), setParameter: onCluster('setParameter'),
};

/** The privileges `commandName` (a handler's canonical name) needs when run on `db`; explain needs its inner command's. */
export function requiredPrivileges(commandName: string, body: Document, db: string): Privilege[] {
  if (commandName === 'explain' && isDocument(body.explain)) {
    const inner = body.explain;
    const innerName = Object.keys(inner)[0] ?? '';
    return requiredPrivileges(innerName === 'findandmodify' ? 'findAndModify' : innerName, inner, db);
  }
  const rule = TABLE[commandName] ?? onCluster(commandName);
  return rule(body, db);
}
