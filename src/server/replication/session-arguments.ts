// The session fields a command may carry, checked before it runs (mongod's
// initializeOperationSessionInfo): txnNumber needs an lsid, a replica set and a
// retryable write command or a transaction (autocommit: false).
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { typeName } from '../stable-api.js';
import { checkTransactionFields } from '../transactions/transaction-arguments.js';
import { txnNumberOf } from './retryable-write-history.js';
import { RETRYABLE_WRITE_COMMANDS } from './retryable-write-handlers.js';

const RETRYABLE = new Set<string>([...RETRYABLE_WRITE_COMMANDS, 'findandmodify']);

export function checkSessionArguments(commandName: string, body: Document, replicaSet: boolean): void {
  const hasTxnNumber = body.txnNumber !== undefined;
  const transactional = body.startTransaction !== undefined || body.autocommit !== undefined;
  if (body.lsid === undefined) {
    if (hasTxnNumber) throw new CommandError(ErrorCodes.InvalidOptions, 'Transaction number requires a session ID to also be specified');
    if (transactional) throw new CommandError(ErrorCodes.InvalidOptions, 'Transaction options require a session ID to also be specified');
    return;
  }
  if (hasTxnNumber) {
    const txnNumber = txnNumberOf(body);
    if (txnNumber === undefined) {
      throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'OperationSessionInfo.txnNumber' is the wrong type '${typeName(body.txnNumber)}', expected type 'long'`);
    }
    if (txnNumber < 0n) throw new CommandError(ErrorCodes.BadValue, `TxnNumber cannot be negative, found ${txnNumber}`);
  }
  if (hasTxnNumber && !replicaSet) {
    throw new CommandError(ErrorCodes.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos');
  }
  if (transactional) {
    checkTransactionFields(commandName, body);
    return;
  }
  if (hasTxnNumber && !RETRYABLE.has(commandName)) {
    throw new CommandError(
      ErrorCodes.NotARetryableWriteCommand,
      `txnNumber may only be provided for multi-document transactions and retryable write commands. autocommit:false was not provided, and ${commandName} is not a retryable write command.`,
    );
  }
}
