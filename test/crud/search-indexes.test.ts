// The Atlas Search index helpers: command shapes (no concerns ever) and dropSearchIndex's idempotence.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Collection } from '../../src/crud/collection.js';
import type { Executor } from '../../src/crud/executor.js';
import type { Operation } from '../../src/crud/operations/operation.js';
import { MongoInvalidArgumentError, MongoServerError } from '../../src/errors.js';

/** Records each operation's command and answers with `reply` (or throws it when it is an Error). */
function fakeExecutor(reply: Document | Error) {
  const commands: Document[] = [];
  const executor = {
    execute<T>(op: Operation<T>): Promise<T> {
      commands.push({ ...op.buildCommand({} as never), readConcern: op.readConcern, writeConcern: op.writeConcern });
      if (reply instanceof Error) return Promise.reject(reply);
      return Promise.resolve(op.handleReply(reply, {} as never));
    },
  } as unknown as Executor;
  return { executor, commands };
}

const LEVEL = { readPreference: { mode: 'primary' }, readConcern: { level: 'majority' }, writeConcern: { w: 'majority' } } as const;

describe('search index helpers', () => {
  it('createSearchIndexes sends the models without concerns and returns the created names', async () => {
    const { executor, commands } = fakeExecutor({ ok: 1, indexesCreated: [{ id: 'a1', name: 'one' }, { id: 'b2', name: 'default' }] });
    const coll = new Collection(executor, 'db', 'c', LEVEL);
    const names = await coll.createSearchIndexes([{ name: 'one', definition: { mappings: { dynamic: true } } }, { definition: {}, type: 'vectorSearch' }]);
    expect(names).toEqual(['one', 'default']);
    expect(commands[0]).toEqual({
      createSearchIndexes: 'c',
      indexes: [{ definition: { mappings: { dynamic: true } }, name: 'one' }, { definition: {}, type: 'vectorSearch' }],
      readConcern: undefined,
      writeConcern: undefined,
    });
  });

  it('rejects a model without a definition, naming its position', async () => {
    const coll = new Collection(fakeExecutor({ ok: 1 }).executor, 'db', 'c', LEVEL);
    await expect(coll.createSearchIndexes([{ definition: {} }, { name: 'x' } as never])).rejects.toThrow(MongoInvalidArgumentError);
    await expect(coll.createSearchIndex({ name: 'x' } as never)).rejects.toThrow(/model 0 needs a 'definition'/);
  });

  it('dropSearchIndex ignores NamespaceNotFound and raises anything else', async () => {
    const missing = new Collection(fakeExecutor(new MongoServerError({ ok: 0, code: 26, codeName: 'NamespaceNotFound', errmsg: 'ns not found' })).executor, 'db', 'c', LEVEL);
    await expect(missing.dropSearchIndex('idx')).resolves.toBeUndefined();
    const other = new Collection(fakeExecutor(new MongoServerError({ ok: 0, code: 31082, errmsg: 'Atlas search is not enabled' })).executor, 'db', 'c', LEVEL);
    await expect(other.dropSearchIndex('idx')).rejects.toThrow(/Atlas/);
  });

  it('updateSearchIndex and dropSearchIndex need a name', async () => {
    const { executor, commands } = fakeExecutor({ ok: 1 });
    const coll = new Collection(executor, 'db', 'c', LEVEL);
    await coll.updateSearchIndex('idx', { mappings: {} });
    expect(commands[0]).toEqual({ updateSearchIndex: 'c', name: 'idx', definition: { mappings: {} }, readConcern: undefined, writeConcern: undefined });
    await expect(coll.dropSearchIndex('')).rejects.toThrow(/needs a search index name/);
  });
});
