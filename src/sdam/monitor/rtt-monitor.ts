// Round-trip time: the sampler every check feeds (average by EWMA, minimum over
// the last 10 samples), and the RTT monitor that keeps sampling on its own
// connection while the server monitor streams (server-monitoring spec
// "Measuring RTT"). RTT checks publish no events and never change the topology.
import type { Connection } from '../../connection/connection.js';
import { sleep } from '../../util/sleep.js';
import { averageRoundTripTime } from '../round-trip-time.js';
import type { MonitorConnector } from './monitor-options.js';

const MIN_RTT_WINDOW = 10;
/** The spec reports 0 as the minimum until this many samples exist. */
const MIN_RTT_SAMPLES = 2;

export class RttSampler {
  private averageMS: number | null = null;
  private readonly recent: number[] = [];

  add(sampleMS: number): void {
    this.averageMS = averageRoundTripTime(this.averageMS, sampleMS);
    this.recent.push(sampleMS);
    if (this.recent.length > MIN_RTT_WINDOW) this.recent.shift();
  }

  get average(): number | null {
    return this.averageMS;
  }

  get min(): number | null {
    if (this.recent.length === 0) return null;
    return this.recent.length < MIN_RTT_SAMPLES ? 0 : Math.min(...this.recent);
  }

  reset(): void {
    this.averageMS = null;
    this.recent.length = 0;
  }
}

export interface RttMonitorOptions {
  readonly connector: MonitorConnector;
  readonly sampler: RttSampler;
  readonly heartbeatFrequencyMS: number;
  /** The hello command to send (hello or legacy hello, plus Stable API fields). */
  readonly helloCommand: () => Record<string, unknown>;
  /** Reply wait limit; 0 = none. */
  readonly connectTimeoutMS: number;
}

export class RttMonitor {
  private connection: Connection | undefined;
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: RttMonitorOptions) {}

  get started(): boolean {
    return this.controller !== undefined;
  }

  start(): void {
    if (this.controller !== undefined) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.run(controller.signal);
  }

  async stop(): Promise<void> {
    const controller = this.controller;
    if (controller === undefined) return;
    this.controller = undefined;
    controller.abort();
    this.connection?.destroy();
    this.connection = undefined;
    await this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.sample(signal);
      await sleep(this.options.heartbeatFrequencyMS, signal);
    }
  }

  private async sample(signal: AbortSignal): Promise<void> {
    const start = performance.now();
    try {
      const connection = this.connection;
      if (connection === undefined || connection.closed) {
        const opened = await this.options.connector({ signal });
        if (signal.aborted) {
          opened.destroy();
          return;
        }
        this.connection = opened;
      } else {
        await connection.command('admin', this.options.helloCommand(), { socketTimeoutMS: this.options.connectTimeoutMS });
      }
      if (!signal.aborted) this.options.sampler.add(performance.now() - start);
    } catch {
      // The server monitor reports unreachable servers; an RTT failure only drops its connection.
      this.connection?.destroy();
      this.connection = undefined;
    }
  }
}
