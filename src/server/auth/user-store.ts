// The server's users: who exists in which database, their roles, and the SCRAM
// credentials they can authenticate with. Shared by the user-management
// commands, the SASL commands and hello's saslSupportedMechs.
import { UUID, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { RoleStore } from './custom-roles.js';
import { resolveRoleName, type RoleName } from './roles.js';
import { createScramCredential, isScramMechanism, SCRAM_MECHANISMS, type ScramCredential, type ServerScramMechanism } from './scram-credentials.js';

export interface StoredUser {
  /** mongod's userId: a UUID fixed at creation (a re-created user gets a new one). */
  readonly userId: UUID;
  readonly user: string;
  readonly db: string;
  /** Resolved role names ({ role, db }); users created without roles have none. */
  roles: RoleName[];
  customData: Document | undefined;
  mechanisms: ServerScramMechanism[];
  credentials: Partial<Record<ServerScramMechanism, ScramCredential>>;
}

export interface NewUser {
  user: string;
  db: string;
  /** Absent for users without a password (their credentials live elsewhere, e.g. $external). */
  pwd?: string;
  /** Role entries as createUser takes them: names of roles of `db`, or { role, db }. */
  roles?: readonly unknown[];
  customData?: Document;
  mechanisms?: readonly unknown[];
}

/** Validates a `mechanisms` list the way createUser does; undefined means both SCRAM mechanisms. */
export function scramMechanismsOf(mechanisms: readonly unknown[] | undefined): ServerScramMechanism[] {
  if (mechanisms === undefined) return [...SCRAM_MECHANISMS];
  if (mechanisms.length === 0) throw new CommandError(ErrorCodes.BadValue, 'mechanisms field must not be empty');
  const out: ServerScramMechanism[] = [];
  for (const mechanism of mechanisms) {
    if (!isScramMechanism(mechanism)) throw new CommandError(ErrorCodes.BadValue, `Unknown auth mechanism '${String(mechanism)}'`);
    if (!out.includes(mechanism)) out.push(mechanism);
  }
  return out;
}

/** Resolves role entries against `db` (RoleNotFound for roles neither built in nor in `custom`), without duplicates. */
export function resolveRoles(entries: readonly unknown[], db: string, custom?: RoleStore): RoleName[] {
  const out: RoleName[] = [];
  for (const entry of entries) {
    const name = resolveRoleName(entry, db, custom === undefined ? undefined : (n) => custom.has(n));
    if (!out.some((r) => r.role === name.role && r.db === name.db)) out.push(name);
  }
  return out;
}

export class UserStore {
  private readonly users = new Map<string, StoredUser>();
  /** The user-defined roles users may hold (createRole & co.). */
  readonly roles = new RoleStore();

  private static keyOf(db: string, user: string): string {
    return `${db}\u0000${user}`;
  }

  get(db: string, user: string): StoredUser | undefined {
    return this.users.get(UserStore.keyOf(db, user));
  }

  /** The user or UserNotFound, as the *User commands report it. */
  existing(db: string, user: string): StoredUser {
    const found = this.get(db, user);
    if (found === undefined) throw new CommandError(ErrorCodes.UserNotFound, `Could not find user "${user}" for db "${db}"`);
    return found;
  }

  create(input: NewUser): StoredUser {
    const key = UserStore.keyOf(input.db, input.user);
    if (this.users.has(key)) throw new CommandError(51003, `User "${input.user}@${input.db}" already exists`);
    const mechanisms = scramMechanismsOf(input.mechanisms);
    const user: StoredUser = {
      userId: new UUID(),
      user: input.user,
      db: input.db,
      roles: resolveRoles(input.roles ?? [], input.db, this.roles),
      customData: input.customData,
      mechanisms,
      credentials: {},
    };
    if (input.pwd !== undefined) this.setPassword(user, input.pwd, mechanisms);
    this.users.set(key, user);
    return user;
  }

  /** Replaces the user's credentials (fresh salts) for the given mechanisms. */
  setPassword(user: StoredUser, password: string, mechanisms: ServerScramMechanism[] = user.mechanisms): void {
    if (password.length === 0) throw new CommandError(ErrorCodes.BadValue, 'Password cannot be empty');
    user.mechanisms = mechanisms;
    user.credentials = {};
    for (const mechanism of mechanisms) user.credentials[mechanism] = createScramCredential(mechanism, user.user, password);
  }

  delete(db: string, user: string): boolean {
    return this.users.delete(UserStore.keyOf(db, user));
  }

  /** Removes every user of a database; returns how many. */
  deleteAll(db: string): number {
    let n = 0;
    for (const [key, user] of this.users) {
      if (user.db === db) {
        this.users.delete(key);
        n++;
      }
    }
    return n;
  }

  all(): StoredUser[] {
    return [...this.users.values()];
  }
}
