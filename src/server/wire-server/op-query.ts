// Legacy OP_QUERY: since 6.0 a server answers it only for the handshake
// (hello / isMaster on "<db>.$cmd"); anything else gets the real server's refusal.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import type { OpQueryMessage } from '../../wire/index.js';
import { canonicalDocument } from './canonical.js';

const HANDSHAKE_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);
const UNSUPPORTED_OP_QUERY_COMMAND = 352;
const OP_QUERY_REMOVED = 5739101;

/** OP_REPLY responseFlags bit: the query failed; the document is { $err, code }. */
export const REPLY_QUERY_FAILURE = 1 << 1;
/** OP_REPLY responseFlags bit a server always sets. */
export const REPLY_AWAIT_CAPABLE = 1 << 3;

export type OpQueryRequest =
  | { kind: 'command'; body: Document; dbName: string }
  | { kind: 'commandError'; error: CommandError }
  | { kind: 'queryFailure'; document: Document };

export function classifyOpQuery(message: OpQueryMessage): OpQueryRequest {
  const name = message.fullCollectionName;
  if (!name.endsWith('.$cmd')) {
    return {
      kind: 'queryFailure',
      document: { $err: `OP_QUERY is no longer supported. The client driver may require an upgrade.`, code: OP_QUERY_REMOVED, ok: 0 },
    };
  }
  const dbName = name.slice(0, -'.$cmd'.length);
  const raw = message.query;
  const wrapped = typeof raw.$query === 'object' && raw.$query !== null ? (raw.$query as Document) : raw;
  const body = canonicalDocument({ ...wrapped });
  const commandName = Object.keys(body)[0] ?? '';
  if (!HANDSHAKE_COMMANDS.has(commandName)) {
    return {
      kind: 'commandError',
      error: new CommandError(
        UNSUPPORTED_OP_QUERY_COMMAND,
        `Unsupported OP_QUERY command: ${commandName}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
      ),
    };
  }
  return { kind: 'command', body, dbName };
}
