// Which checked-out connections can re-authenticate in place, and how. An
// authenticator that supports the auth spec's reauthentication (only MONGODB-OIDC
// does) registers each connection it authenticated; the executor, on a
// ReauthenticationRequired (391) reply, runs the registered conversation on that
// same connection and re-sends the command once. Keyed weakly: a closed
// connection's entry goes with it.

/** The server's ReauthenticationRequired code. */
export const REAUTHENTICATION_REQUIRED = 391;

const reauthenticators = new WeakMap<object, () => Promise<void>>();

export function registerReauthentication(connection: object, reauthenticate: () => Promise<void>): void {
  reauthenticators.set(connection, reauthenticate);
}

/** The conversation that re-authenticates `connection`, when its mechanism supports one. */
export function reauthenticationFor(connection: object): (() => Promise<void>) | undefined {
  return reauthenticators.get(connection);
}
