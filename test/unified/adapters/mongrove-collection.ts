// Collection operations on mongrove.
import type { Document } from '../../../src/bson.js';
import type { AnyBulkWriteOperation, Collection } from '../../../src/index.js';
import { UnsupportedOperationError, type CollectionHandle, type OperationArgs } from '../adapter.js';
import { optionsOf, plainResult, required } from './mongrove-convert.js';
import { MongroveCursor, openCursor } from './mongrove-cursor.js';
import { createMongroveChangeStream } from './mongrove-change-stream.js';

export class MongroveCollection implements CollectionHandle {
  readonly kind = 'collection';
  constructor(readonly driver: Collection) {}

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const c = this.driver;
    const filter = (args.filter ?? {}) as Document;
    const opts = (positional: readonly string[] = []): Document => optionsOf(name, args, positional);
    switch (name) {
      case 'insertOne':
        return plainResult(await c.insertOne(required(args, 'document', name), opts(['document'])));
      case 'insertMany':
        return plainResult(await c.insertMany(required(args, 'documents', name), opts(['documents'])));
      case 'updateOne':
        return plainResult(await c.updateOne(filter, required(args, 'update', name), opts(['filter', 'update'])));
      case 'updateMany':
        return plainResult(await c.updateMany(filter, required(args, 'update', name), opts(['filter', 'update'])));
      case 'replaceOne':
        return plainResult(await c.replaceOne(filter, required(args, 'replacement', name), opts(['filter', 'replacement'])));
      case 'deleteOne':
        return plainResult(await c.deleteOne(filter, opts(['filter'])));
      case 'deleteMany':
        return plainResult(await c.deleteMany(filter, opts(['filter'])));
      case 'bulkWrite':
        return plainResult(await c.bulkWrite(required<AnyBulkWriteOperation[]>(args, 'requests', name), opts(['requests'])));
      case 'find':
        return c.find(filter, opts(['filter'])).toArray();
      case 'findOne':
        return c.findOne(filter, opts(['filter']));
      case 'createFindCursor': {
        const cursor = c.find(required(args, 'filter', name), opts(['filter']));
        await openCursor(cursor);
        return new MongroveCursor('findCursor', cursor);
      }
      case 'createChangeStream':
        return createMongroveChangeStream(c, args);
      case 'findOneAndDelete':
        return c.findOneAndDelete(filter, opts(['filter']));
      case 'findOneAndReplace':
        return c.findOneAndReplace(filter, required(args, 'replacement', name), opts(['filter', 'replacement']));
      case 'findOneAndUpdate':
        return c.findOneAndUpdate(filter, required(args, 'update', name), opts(['filter', 'update']));
      case 'aggregate':
        return c.aggregate(required(args, 'pipeline', name), opts(['pipeline'])).toArray();
      case 'countDocuments':
        return c.countDocuments(filter, opts(['filter']));
      case 'estimatedDocumentCount':
        return c.estimatedDocumentCount(opts());
      case 'distinct':
        return c.distinct(required<string>(args, 'fieldName', name), filter, opts(['fieldName', 'filter']));
      case 'createIndex':
        return c.createIndex(required(args, 'keys', name), opts(['keys']));
      case 'dropIndex':
        return c.dropIndex(required(args, 'name', name), opts(['name']));
      case 'dropIndexes':
        return c.dropIndexes(opts());
      case 'listIndexes':
        return c.listIndexes(opts()).toArray();
      case 'listIndexNames':
        return (await c.listIndexes(opts()).toArray()).map((i) => String(i.name));
      case 'drop':
        return c.drop(opts());
      case 'rename':
        await c.rename(required(args, 'to', name), opts(['to']));
        return undefined;
      case 'createSearchIndex':
        return c.createSearchIndex(required(args, 'model', name), opts(['model']));
      case 'createSearchIndexes':
        return c.createSearchIndexes(required(args, 'models', name), opts(['models']));
      case 'updateSearchIndex':
        await c.updateSearchIndex(required(args, 'name', name), required(args, 'definition', name), opts(['name', 'definition']));
        return undefined;
      case 'dropSearchIndex':
        await c.dropSearchIndex(required(args, 'name', name), opts(['name']));
        return undefined;
      case 'listSearchIndexes': {
        // The spec's aggregationOptions are the aggregate's options, passed flat.
        const aggregationOptions = (args.aggregationOptions ?? {}) as Document;
        return c.listSearchIndexes(args.name as string | undefined, { ...opts(['name', 'aggregationOptions']), ...aggregationOptions }).toArray();
      }
      default:
        // count is deprecated (crud.md: not in new drivers).
        throw new UnsupportedOperationError('collection', name);
    }
  }
}
