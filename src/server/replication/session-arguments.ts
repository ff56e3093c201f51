// The session fields a command may carry, checked before it runs (mongod's
// initializeOperationSessionInfo): txnNumber needs an lsid, a replica set and a
// retryable write command; transactions are not implemented here yet.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { typeName } from '../stable-api.js';
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
  // Not IllegalOperation: drivers read that code on a write as "retryable writes unsupported".
  if (transactional) {
    throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, 'transactions are not supported by the mongrove embedded server yet');
  }
  if (hasTxnNumber && !RETRYABLE.has(commandName)) {
    throw new CommandError(
      ErrorCodes.NotARetryableWriteCommand,
      `txnNumber may only be provided for multi-document transactions and retryable write commands. autocommit:false was not provided, and ${commandName} is not a retryable write command.`,
    );
  }
}
