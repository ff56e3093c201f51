// A minimal CommandContext for calling data handlers directly.
import type { Document } from '../../../src/bson.js';
import { CommandError } from '../../../src/server/command-error.js';
import { dataCommandHandlers } from '../../../src/server/commands/data/index.js';
import { materialize } from '../../../src/server/storage/raw-document.js';
import { Storage } from '../../../src/server/storage/storage.js';
import type { CommandContext } from '../../../src/server/types.js';

export function fakeContext(dbName = 'test', storage = new Storage()): CommandContext {
  return {
    dbName,
    server: {
      storage,
      cursors: { open: (documents, options) => ({ firstBatch: documents.map(materialize), id: 0n, ns: options.ns }) },
    },
    connection: { id: 1, appName: undefined, clientMetadata: undefined, remoteAddress: '127.0.0.1' },
  };
}

/** Runs a command the way the dispatcher would: first key names the handler. */
export async function run(context: CommandContext, command: Document): Promise<Document> {
  const name = Object.keys(command)[0] ?? '';
  const handler = dataCommandHandlers.find((h) => h.name === name || h.aliases?.includes(name));
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler.run(command, context);
}

/** Runs a command expected to fail and returns its { ok: 0 } reply. */
export async function runError(context: CommandContext, command: Document): Promise<Document> {
  try {
    await run(context, command);
  } catch (error) {
    if (error instanceof CommandError) return error.toReply();
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(command)[0])} to fail`);
}

export async function findAll(context: CommandContext, coll: string, extra: Document = {}): Promise<Document[]> {
  const reply = await run(context, { find: coll, ...extra });
  return (reply.cursor as Document).firstBatch as Document[];
}
