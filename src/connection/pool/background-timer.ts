// Schedules the pool's background runs (reaping perished connections and
// populating minPoolSize). Runs are coalesced: asking for one replaces any
// scheduled one, so an immediate request (ready, clear) is never delayed by
// the periodic interval.

export class BackgroundTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * @param intervalMS time between periodic runs; negative disables them (only
   *   immediate runs happen, as the CMAP tests' backgroundThreadIntervalMS asks).
   */
  constructor(
    private readonly intervalMS: number,
    private readonly run: () => void,
  ) {}

  /** Runs as soon as the event loop allows. */
  runSoon(): void {
    this.schedule(0);
  }

  /** Schedules the next periodic run, if periodic runs are enabled. */
  runLater(): void {
    if (this.intervalMS > 0) this.schedule(this.intervalMS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMS: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, delayMS);
    // Background upkeep must never keep the process alive.
    this.timer.unref();
  }
}
