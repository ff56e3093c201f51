// The server side of one MONGODB-AWS conversation (auth spec; mongod's
// sasl_aws_server_conversation): client-first { r, p } → server-first
// { s: client nonce + 32 random bytes, h: STS host }; client-final { a, d, t? }
// → the signed GetCallerIdentity request is checked (by AwsStsSimulation, in
// place of the STS call mongod makes) and its ARN names the $external user.
import { randomBytes } from 'node:crypto';
import { Binary, deserialize, serialize, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { AwsStsSimulation, StsRejection } from './aws-sts-simulation.js';
import { AUTHENTICATION_FAILED } from './scram-conversation.js';
import type { UserStore } from './user-store.js';

export const AWS_MECHANISM = 'MONGODB-AWS';
const EXTERNAL_DB = '$external';
const NONCE_BYTES = 32;
const GS2_FLAGS: Readonly<Record<number, string>> = { 110: 'n', 121: 'y' };

function failed(): CommandError {
  return new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
}

function bytesOf(value: unknown): Buffer | undefined {
  return value instanceof Binary ? Buffer.from(value.buffer.subarray(0, value.position)) : undefined;
}

function parse(payload: Buffer, step: string): Document {
  try {
    return deserialize(payload);
  } catch {
    throw new CommandError(ErrorCodes.BadValue, `MONGODB-AWS ${step} message is not a BSON document`);
  }
}

/**
 * GetCallerIdentity names an assumed role's session (arn:aws:sts::<account>:assumed-role/<role>/<session>);
 * mongod authenticates it as the role's user, arn:aws:iam::<account>:role/<role>.
 */
export function userForArn(arn: string): string {
  const assumed = /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return assumed === null ? arn : `arn:aws:iam::${assumed[1]}:role/${assumed[2]}`;
}

export class ServerAwsConversation {
  private readonly serverNonce: Buffer;
  private readonly gs2CbFlag: string;

  constructor(
    clientFirst: Buffer,
    private readonly stsHost: string,
    private readonly sts: AwsStsSimulation,
    private readonly users: UserStore,
  ) {
    const message = parse(clientFirst, 'client-first');
    const clientNonce = bytesOf(message.r);
    if (clientNonce === undefined || clientNonce.length !== NONCE_BYTES) {
      throw new CommandError(ErrorCodes.BadValue, `MONGODB-AWS client nonce must be ${NONCE_BYTES} bytes of BinData`);
    }
    const flag = typeof message.p === 'number' ? GS2_FLAGS[message.p] : undefined;
    if (flag === undefined) throw new CommandError(ErrorCodes.BadValue, 'MONGODB-AWS gs2-cb-flag must be 110 (n) or 121 (y); channel binding is not supported');
    this.gs2CbFlag = flag;
    this.serverNonce = Buffer.concat([clientNonce, randomBytes(NONCE_BYTES)]);
  }

  serverFirst(): Buffer {
    return Buffer.from(serialize({ s: new Binary(this.serverNonce), h: this.stsHost }));
  }

  /** The authenticated $external user, or AuthenticationFailed (mongod's message, whatever STS said). */
  finish(clientFinal: Buffer): { user: string; db: string } {
    const message = parse(clientFinal, 'client-final');
    const { a: authorization, d: amzDate, t: token } = message;
    if (typeof authorization !== 'string' || typeof amzDate !== 'string' || (token !== undefined && typeof token !== 'string')) {
      throw new CommandError(ErrorCodes.BadValue, 'MONGODB-AWS client-final message needs string fields a and d (and t, when present)');
    }
    let arn: string;
    try {
      arn = this.sts.callerIdentity(authorization, {
        host: this.stsHost,
        amzDate,
        serverNonceBase64: this.serverNonce.toString('base64'),
        gs2CbFlag: this.gs2CbFlag,
        securityToken: token,
      });
    } catch (error) {
      if (error instanceof StsRejection) throw failed();
      throw error;
    }
    const user = userForArn(arn);
    if (this.users.get(EXTERNAL_DB, user) === undefined) throw failed();
    return { user, db: EXTERNAL_DB };
  }
}
