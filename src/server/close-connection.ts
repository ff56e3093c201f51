// Thrown by a handler to end its client's connection without a reply, as a
// mongod failpoint that ends the client session does (onPrimaryTransactionalWrite).
// The dispatcher turns it into a closeConnection outcome; whatever the handler
// already wrote stays written.
export class CloseConnectionRequest extends Error {
  constructor(reason: string) {
    super(reason);
  }

  override get name(): string {
    return 'CloseConnectionRequest';
  }
}
