// Collection operations on the official driver.
import type { AnyBulkWriteOperation, Collection, Document as DriverDocument } from 'mongodb';
import type { Document } from '../../../src/bson.js';
import { UnsupportedOperationError, type CollectionHandle, type OperationArgs } from '../adapter.js';
import { bulkWriteResultDoc, optionsOf, plainResult, required } from './official-convert.js';
import { OfficialCursor, initCursor } from './official-cursor.js';

export class OfficialCollection implements CollectionHandle {
  readonly kind = 'collection';
  constructor(readonly driver: Collection<DriverDocument>) {}

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const c = this.driver;
    const filter = (args.filter ?? {}) as Document;
    switch (name) {
      case 'insertOne':
        return plainResult(await c.insertOne(required(args, 'document', name), optionsOf(args, ['document'])));
      case 'insertMany':
        return plainResult(await c.insertMany(required(args, 'documents', name), optionsOf(args, ['documents'])));
      case 'updateOne':
        return plainResult(await c.updateOne(filter, required(args, 'update', name), optionsOf(args, ['filter', 'update'])));
      case 'updateMany':
        return plainResult(await c.updateMany(filter, required(args, 'update', name), optionsOf(args, ['filter', 'update'])));
      case 'replaceOne':
        return plainResult(await c.replaceOne(filter, required(args, 'replacement', name), optionsOf(args, ['filter', 'replacement'])));
      case 'deleteOne':
        return plainResult(await c.deleteOne(filter, optionsOf(args, ['filter'])));
      case 'deleteMany':
        return plainResult(await c.deleteMany(filter, optionsOf(args, ['filter'])));
      case 'find':
        return c.find(filter, optionsOf(args, ['filter'])).toArray();
      case 'findOne':
        return c.findOne(filter, optionsOf(args, ['filter']));
      case 'findOneAndDelete':
        return c.findOneAndDelete(filter, optionsOf(args, ['filter']));
      case 'findOneAndReplace':
        return c.findOneAndReplace(filter, required(args, 'replacement', name), optionsOf(args, ['filter', 'replacement']));
      case 'findOneAndUpdate':
        return c.findOneAndUpdate(filter, required(args, 'update', name), optionsOf(args, ['filter', 'update']));
      case 'aggregate':
        return c.aggregate(required(args, 'pipeline', name), optionsOf(args, ['pipeline'])).toArray();
      case 'countDocuments':
        return c.countDocuments(filter, optionsOf(args, ['filter']));
      case 'estimatedDocumentCount':
        return c.estimatedDocumentCount(optionsOf(args));
      case 'count':
        return c.count(filter, optionsOf(args, ['filter']));
      case 'distinct':
        return c.distinct(required<string>(args, 'fieldName', name), filter, optionsOf(args, ['fieldName', 'filter']));
      case 'bulkWrite':
        return bulkWriteResultDoc(
          await c.bulkWrite(required<AnyBulkWriteOperation<DriverDocument>[]>(args, 'requests', name), optionsOf(args, ['requests'])),
        );
      case 'createFindCursor': {
        const cursor = c.find(required(args, 'filter', name), optionsOf(args, ['filter']));
        await initCursor(cursor);
        return new OfficialCursor('findCursor', cursor);
      }
      case 'createChangeStream': {
        const stream = c.watch((args.pipeline ?? []) as Document[], optionsOf(args, ['pipeline']));
        await initCursor(stream);
        return new OfficialCursor('changeStream', stream);
      }
      case 'createIndex':
        return c.createIndex(required(args, 'keys', name), optionsOf(args, ['keys']));
      case 'dropIndex':
        return c.dropIndex(required(args, 'name', name), optionsOf(args, ['name']));
      case 'dropIndexes':
        return c.dropIndexes(optionsOf(args));
      case 'listIndexes':
        return c.listIndexes(optionsOf(args)).toArray();
      case 'listIndexNames':
        return (await c.listIndexes(optionsOf(args)).toArray()).map((i) => i.name as string);
      case 'drop':
        return c.drop(optionsOf(args));
      case 'rename':
        await c.rename(required(args, 'to', name), optionsOf(args, ['to']));
        return undefined;
      case 'createSearchIndex':
        return c.createSearchIndex(required(args, 'model', name));
      case 'createSearchIndexes':
        return c.createSearchIndexes(required(args, 'models', name));
      case 'dropSearchIndex':
        return c.dropSearchIndex(required(args, 'name', name));
      case 'updateSearchIndex':
        return c.updateSearchIndex(required(args, 'name', name), required(args, 'definition', name));
      case 'listSearchIndexes': {
        const indexName = args.name as string | undefined;
        // The spec's aggregationOptions are the aggregate's options; the driver takes them flat.
        const options = { ...optionsOf(args, ['name', 'aggregationOptions']), ...((args.aggregationOptions as Document | undefined) ?? {}) };
        return (indexName === undefined ? c.listSearchIndexes(options) : c.listSearchIndexes(indexName, options)).toArray();
      }
      default:
        throw new UnsupportedOperationError('collection', name);
    }
  }
}
