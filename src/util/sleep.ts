// An abortable wait shared by the driver's monitors and the embedded server's blocking
// failpoints. The timer is cleared and the abort listener removed whichever comes first,
// so an aborted wait leaves nothing scheduled and nothing listening.

export interface SleepOptions {
  /**
   * Default true: the timer alone never keeps the process alive (a forgotten client's
   * heartbeats must not). False: it does, like any ordinary timer.
   */
  readonly unref?: boolean;
}

/** Resolves after `ms` (at once when `ms` <= 0), or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal, options: SleepOptions = {}): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (options.unref !== false) timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
