// Awaiting an operation that must fail on the server (official driver tests).
import { MongoServerError } from 'mongodb';
import { expect } from 'vitest';

/** The MongoServerError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function serverFailure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}
