// Abortable waits for monitors. Every timer is cleared when its signal aborts, so a
// stopped monitor leaves nothing scheduled; timers are unref'd so a forgotten
// client's heartbeats alone never keep a process alive.

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A wake-up flag with memory (like a threading Event): ring() wakes the current
 * waiter, or, with nobody waiting, makes the next wait() return at once.
 */
export class Alarm {
  private rung = false;
  private wake: (() => void) | undefined;

  ring(): void {
    if (this.wake !== undefined) this.wake();
    else this.rung = true;
  }

  /** Waits up to `ms` for ring(); resolves early when `signal` aborts. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return;
    }
    const wakeController = new AbortController();
    const onAbort = (): void => wakeController.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.wake = onAbort;
    try {
      await sleep(ms, wakeController.signal);
    } finally {
      this.wake = undefined;
      signal.removeEventListener('abort', onAbort);
    }
  }
}
