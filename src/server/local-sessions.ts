// The logical sessions this server has seen (mongod's logical session cache):
// every command carrying an lsid marks that session used, endSessions and
// killSessions drop it. $listLocalSessions reads it.
import { createHash } from 'node:crypto';
import { Binary, type Document } from '../bson.js';
import type { LocalSessionList } from './types.js';

/** The uid of the (only) user on a server without access control: SHA-256 of the empty user name. */
const ANONYMOUS_UID = new Binary(createHash('sha256').update('').digest(), Binary.SUBTYPE_DEFAULT);

interface SessionEntry {
  readonly id: Binary;
  lastUse: Date;
}

/** A comparable key for an lsid document ({ id: UUID, uid? }); undefined when it has no binary id. */
export function sessionKey(lsid: unknown): string | undefined {
  if (typeof lsid !== 'object' || lsid === null) return undefined;
  const id = (lsid as Document).id;
  return id instanceof Binary ? Buffer.from(id.buffer).toString('hex') : undefined;
}

export class LocalSessionCache implements LocalSessionList {
  private readonly sessions = new Map<string, SessionEntry>();

  /** Records a use of the command's session, if it names one. */
  touch(lsid: unknown, now: Date = new Date()): void {
    const key = sessionKey(lsid);
    if (key === undefined) return;
    const entry = this.sessions.get(key);
    if (entry !== undefined) entry.lastUse = now;
    else this.sessions.set(key, { id: (lsid as { id: Binary }).id, lastUse: now });
  }

  end(lsids: readonly unknown[]): void {
    for (const lsid of lsids) {
      const key = sessionKey(lsid);
      if (key !== undefined) this.sessions.delete(key);
    }
  }

  clear(): void {
    this.sessions.clear();
  }

  /** The sessions as $listLocalSessions returns them, most recently used first. */
  list(): Document[] {
    return [...this.sessions.values()]
      .sort((a, b) => b.lastUse.getTime() - a.lastUse.getTime())
      .map((entry) => ({ _id: { id: entry.id, uid: ANONYMOUS_UID }, lastUse: entry.lastUse }));
  }
}
