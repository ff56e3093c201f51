// Commands only a mongos has, as the simulated sharded cluster runs them. There is one shard and
// no config server, so:
//  - shardCollection moves nothing: it creates the collection when missing and records the
//    shardCollection change event (showExpandedEvents streams report it, as on a real cluster);
//    shard keys are not kept and no shard-key index is built;
//  - checkMetadataConsistency always finds the metadata consistent (an empty, exhausted cursor).
import { Long } from '../../bson.js';
import type { CommandHandler } from '../types.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { requireAdminDatabase } from '../commands/admin/admin-only.js';
import { isPlainDocument } from '../query/bson-types.js';

const shardCollectionCommand: CommandHandler = {
  name: 'shardCollection',
  run(command, context) {
    requireAdminDatabase('shardCollection', context);
    const namespace: unknown = command.shardCollection;
    const dot = typeof namespace === 'string' ? namespace.indexOf('.') : -1;
    if (typeof namespace !== 'string' || dot <= 0 || dot === namespace.length - 1) {
      throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${String(namespace)}'`);
    }
    const key: unknown = command.key;
    if (!isPlainDocument(key) || Object.keys(key).length === 0) {
      throw new CommandError(ErrorCodes.BadValue, "shardCollection requires a non-empty 'key' document");
    }
    const storage = context.server.storage;
    const { collection } = storage.ensureCollection(namespace.slice(0, dot), namespace.slice(dot + 1));
    storage.changes?.sharded(collection, { shardKey: key, unique: command.unique === true, presplitHashedZones: false });
    return { collectionsharded: namespace };
  },
};

const checkMetadataConsistencyCommand: CommandHandler = {
  name: 'checkMetadataConsistency',
  run(_command, context) {
    return { cursor: { id: Long.fromNumber(0), ns: `${context.dbName}.$cmd.aggregate`, firstBatch: [] } };
  },
};

export function routerCommands(): CommandHandler[] {
  return [shardCollectionCommand, checkMetadataConsistencyCommand];
}
