// The change-streams layer's public surface (re-exported by src/index.ts). Importing it
// installs watch() on Client, Db and Collection.
import './watch.js';

export { ChangeStream, type WatchScope } from './change-stream.js';
export { isResumableChangeStreamError } from './resumable.js';
export type {
  ChangeStreamDocument,
  ChangeStreamOperationType,
  ChangeStreamOptions,
  FullDocumentOption,
  ResumeToken,
  UpdateDescription,
} from './types.js';
