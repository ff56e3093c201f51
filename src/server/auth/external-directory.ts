// The simulated LDAP directory behind PLAIN. mongod offers PLAIN only as a proxy
// to an LDAP server (MongoDB Enterprise): the password lives in the directory,
// the user document in $external holds only roles. The embedded server keeps
// that split: passwords given for $external users at start-up (MemoryServerOptions.users
// with db '$external' and a pwd) land here, never in the user store, and createUser on $external still refuses a pwd.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

interface DirectoryEntry {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Few iterations on purpose: this guards test fixtures, not real secrets; it only avoids keeping them in the clear. */
const ITERATIONS = 1000;

function hashOf(password: string, salt: Buffer): Buffer {
  return pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
}

export class ExternalDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();

  setPassword(user: string, password: string): void {
    const salt = randomBytes(16);
    this.entries.set(user, { salt, hash: hashOf(password, salt) });
  }

  /** True when the directory knows the user and the password matches. */
  verify(user: string, password: string): boolean {
    const entry = this.entries.get(user);
    if (entry === undefined) return false;
    return timingSafeEqual(entry.hash, hashOf(password, entry.salt));
  }
}
