// The monitors' wake-up alarm, over the shared abortable sleep (src/util/sleep.ts): its
// timer is cleared when the signal aborts, so a stopped monitor leaves nothing scheduled,
// and unref'd, so a forgotten client's heartbeats alone never keep a process alive.
import { sleep } from '../../util/sleep.js';

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
