// The server side of one SCRAM conversation: client-first → server-first,
// client-final → server-final (proof checked against StoredKey), and, for
// clients that did not ask to skip it, the final empty exchange.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { scramHash, scramHmac, type ServerScramMechanism } from './scram-credentials.js';
import type { StoredUser } from './user-store.js';

/** mongod's reply to any failed proof or unknown user: it never says which. */
export const AUTHENTICATION_FAILED = 'Authentication failed.';

export interface ClientFirst {
  /** The username as sent (unescaped, never SASLprep'd). */
  readonly user: string;
  readonly nonce: string;
  /** "n=...,r=..." as sent: part of the AuthMessage. */
  readonly bare: string;
  /** The GS2 header ("n,,"), base64 of which the client-final c= must carry. */
  readonly gs2Header: string;
}

function protocolError(message: string): CommandError {
  return new CommandError(ErrorCodes.BadValue, message);
}

function attributesOf(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length >= 2 && part[1] === '=') attributes.set(part[0], part.slice(2));
  }
  return attributes;
}

function unescapeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw protocolError('Invalid SCRAM username: "=" must be escaped as =2C or =3D');
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export function parseClientFirst(message: string): ClientFirst {
  if (message.startsWith('p=')) throw protocolError('Server does not support channel binding');
  const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(message);
  if (match === null) throw protocolError(`Incorrect SCRAM client|server first message header: ${JSON.stringify(message.slice(0, 64))}`);
  const bare = match[3];
  const attributes = attributesOf(bare);
  const user = attributes.get('n');
  const nonce = attributes.get('r');
  if (user === undefined || nonce === undefined || nonce.length === 0) {
    throw protocolError('Invalid SCRAM client first message: it must carry n=<user> and r=<nonce>');
  }
  return { user: unescapeSaslName(user), nonce, bare, gs2Header: message.slice(0, message.length - bare.length) };
}

export type ConversationStep = { kind: 'reply'; payload: Buffer; done: boolean } | { kind: 'authenticated'; payload: Buffer };

export class ServerScramConversation {
  private readonly serverFirst: string;
  private readonly nonce: string;
  private stage: 'final' | 'empty' | 'done' = 'final';

  constructor(
    readonly mechanism: ServerScramMechanism,
    readonly user: StoredUser,
    private readonly clientFirst: ClientFirst,
    private readonly skipEmptyExchange: boolean,
  ) {
    const credential = user.credentials[mechanism];
    if (credential === undefined) throw new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
    this.nonce = clientFirst.nonce + randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${credential.salt},i=${credential.iterationCount}`;
  }

  serverFirstMessage(): Buffer {
    return Buffer.from(this.serverFirst, 'utf8');
  }

  /**
   * Handles the next client message. Returns the server-final (done when the
   * client asked to skip the empty exchange) or, after the empty exchange,
   * `authenticated`. Throws AuthenticationFailed on a wrong proof.
   */
  next(payload: Buffer): ConversationStep {
    if (this.stage === 'empty') {
      this.stage = 'done';
      return { kind: 'authenticated', payload: Buffer.alloc(0) };
    }
    if (this.stage === 'done') throw protocolError('The SCRAM conversation is already complete');
    const message = payload.toString('utf8');
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw protocolError('Incorrect SCRAM client final message: missing proof p=');
    const withoutProof = message.slice(0, proofAt);
    const attributes = attributesOf(withoutProof);
    if (attributes.get('c') !== Buffer.from(this.clientFirst.gs2Header, 'utf8').toString('base64')) {
      throw protocolError('Incorrect SCRAM channel binding: c= must echo the GS2 header');
    }
    if (attributes.get('r') !== this.nonce) throw protocolError('Unmatched SCRAM nonce received from client in final message');
    const credential = this.user.credentials[this.mechanism];
    if (credential === undefined) throw new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirst.bare},${this.serverFirst},${withoutProof}`;
    const clientSignature = scramHmac(this.mechanism, credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    if (!timingSafeEqual(scramHash(this.mechanism, clientKey), credential.storedKey)) {
      throw new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
    }
    const serverSignature = scramHmac(this.mechanism, credential.serverKey, authMessage).toString('base64');
    const finalPayload = Buffer.from(`v=${serverSignature}`, 'utf8');
    if (this.skipEmptyExchange) {
      this.stage = 'done';
      return { kind: 'authenticated', payload: finalPayload };
    }
    this.stage = 'empty';
    return { kind: 'reply', payload: finalPayload, done: false };
  }
}
