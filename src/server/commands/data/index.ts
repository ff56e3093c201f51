// The data commands the embedded server registers.
import type { CommandHandler } from '../../types.js';
import { aggregateHandler } from './aggregate.js';
import {
  collModHandler, createHandler, dropDatabaseHandler, dropHandler, listCollectionsHandler, listDatabasesHandler, renameCollectionHandler,
} from './collections.js';
import { bulkWriteHandler } from './bulk-write.js';
import { countHandler, distinctHandler } from './count-distinct.js';
import { deleteHandler } from './delete.js';
import { explainHandler } from './explain.js';
import { findAndModifyHandler } from './find-and-modify.js';
import { findHandler } from './find.js';
import { createIndexesHandler, dropIndexesHandler, listIndexesHandler } from './indexes.js';
import { insertHandler } from './insert.js';
import { searchIndexHandlers } from './search-indexes.js';
import { updateHandler } from './update.js';

export const dataCommandHandlers: CommandHandler[] = [
  insertHandler,
  updateHandler,
  deleteHandler,
  bulkWriteHandler,
  findHandler,
  findAndModifyHandler,
  aggregateHandler,
  countHandler,
  distinctHandler,
  createHandler,
  dropHandler,
  dropDatabaseHandler,
  renameCollectionHandler,
  listCollectionsHandler,
  listDatabasesHandler,
  collModHandler,
  createIndexesHandler,
  listIndexesHandler,
  dropIndexesHandler,
  explainHandler,
  ...searchIndexHandlers,
];
