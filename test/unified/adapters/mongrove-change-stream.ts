// createChangeStream on a mongrove client, database or collection: the stream's aggregate
// runs before the handle is returned (the unified format requires the server-side cursor
// to exist), nothing is consumed.
import type { Document } from '../../../src/bson.js';
import type { ChangeStreamOptions } from '../../../src/index.js';
import type { OperationArgs } from '../adapter.js';
import { MongroveCursor } from './mongrove-cursor.js';
import { optionsOf } from './mongrove-convert.js';

interface Watchable {
  watch(pipeline?: Document[], options?: ChangeStreamOptions): { open(): Promise<unknown>; next(): Promise<unknown>; tryNext(): Promise<unknown>; close(): Promise<void> };
}

export async function createMongroveChangeStream(target: Watchable, args: OperationArgs): Promise<MongroveCursor> {
  const stream = target.watch((args.pipeline ?? []) as Document[], optionsOf('createChangeStream', args, ['pipeline']) as ChangeStreamOptions);
  await stream.open();
  return new MongroveCursor('changeStream', stream);
}
