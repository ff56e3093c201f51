// "not writable primary" / "node is recovering" / "shutting down" classification
// (SDAM spec): by numeric code when the reply has one, by message only otherwise.

const RECOVERING_CODES: ReadonlySet<number> = new Set([11600, 11602, 13436, 189, 91]);
const NOT_WRITABLE_PRIMARY_CODES: ReadonlySet<number> = new Set([10107, 13435, 10058]);
const SHUTDOWN_CODES: ReadonlySet<number> = new Set([11600, 91]);

export interface ServerErrorShape {
  readonly code?: number | null;
  readonly message: string;
}

export function isNodeIsRecovering({ code, message }: ServerErrorShape): boolean {
  if (typeof code === 'number') return RECOVERING_CODES.has(code);
  return message.includes('not master or secondary') || message.includes('node is recovering');
}

export function isNotWritablePrimary({ code, message }: ServerErrorShape): boolean {
  if (typeof code === 'number') return NOT_WRITABLE_PRIMARY_CODES.has(code);
  if (isNodeIsRecovering({ message })) return false;
  return message.includes('not master');
}

export function isNodeShuttingDown({ code }: ServerErrorShape): boolean {
  return typeof code === 'number' && SHUTDOWN_CODES.has(code);
}

/** The server is reachable but not in the state we believed: its description is out of date. */
export function isStateChangeError(error: ServerErrorShape): boolean {
  return isNodeIsRecovering(error) || isNotWritablePrimary(error);
}
