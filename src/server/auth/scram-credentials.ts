// The SCRAM credentials a user document stores (never the password): per
// mechanism a salt, an iteration count, StoredKey and ServerKey, derived as
// mongod derives them (SHA-1 from the MD5 password digest, SHA-256 from the
// SASLprep'd password).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-1', 'SCRAM-SHA-256'] as const;
export type ServerScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** mongod's defaults (scramIterationCount, scramSHA256IterationCount). */
const ITERATIONS: Readonly<Record<ServerScramMechanism, number>> = { 'SCRAM-SHA-1': 10_000, 'SCRAM-SHA-256': 15_000 };
const DIGEST: Readonly<Record<ServerScramMechanism, 'sha1' | 'sha256'>> = { 'SCRAM-SHA-1': 'sha1', 'SCRAM-SHA-256': 'sha256' };
const KEY_BYTES: Readonly<Record<ServerScramMechanism, number>> = { 'SCRAM-SHA-1': 20, 'SCRAM-SHA-256': 32 };
/** mongod's salt lengths: the hash length minus the 4-byte PBKDF2 block index. */
const SALT_BYTES: Readonly<Record<ServerScramMechanism, number>> = { 'SCRAM-SHA-1': 16, 'SCRAM-SHA-256': 28 };

export interface ScramCredential {
  readonly iterationCount: number;
  /** base64, as sent in the server-first message. */
  readonly salt: string;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function isScramMechanism(value: unknown): value is ServerScramMechanism {
  return typeof value === 'string' && (SCRAM_MECHANISMS as readonly string[]).includes(value);
}

export function scramHmac(mechanism: ServerScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(DIGEST[mechanism], key).update(data).digest();
}

export function scramHash(mechanism: ServerScramMechanism, data: Buffer): Buffer {
  return createHash(DIGEST[mechanism]).update(data).digest();
}

function secretFor(mechanism: ServerScramMechanism, user: string, password: string): string {
  if (mechanism === 'SCRAM-SHA-1') return createHash('md5').update(`${user}:mongo:${password}`, 'utf8').digest('hex');
  try {
    return saslprep(password);
  } catch (error) {
    throw new CommandError(ErrorCodes.BadValue, `Error preflighting SCRAM-SHA-256 password: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Derives a fresh credential (new random salt) for one mechanism. */
export function createScramCredential(mechanism: ServerScramMechanism, user: string, password: string): ScramCredential {
  const salt = randomBytes(SALT_BYTES[mechanism]);
  const iterationCount = ITERATIONS[mechanism];
  const salted = pbkdf2Sync(secretFor(mechanism, user, password), salt, iterationCount, KEY_BYTES[mechanism], DIGEST[mechanism]);
  const clientKey = scramHmac(mechanism, salted, 'Client Key');
  return {
    iterationCount,
    salt: salt.toString('base64'),
    storedKey: scramHash(mechanism, clientKey),
    serverKey: scramHmac(mechanism, salted, 'Server Key'),
  };
}
