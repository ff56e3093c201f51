// One server's monitor (server-monitoring spec): a dedicated connection whose
// handshake is the first check, then either polling hellos every
// heartbeatFrequencyMS or, when the server reports a topologyVersion and the
// mode allows, a streamed awaitable hello (exhaustAllowed + moreToCome) with an
// RTT monitor measuring round trips on a second connection.
import { Long, type Document } from '../../bson.js';
import type { Connection } from '../../connection/connection.js';
import { serverApiFields } from '../../connection/handshake/handshake.js';
import type { Reply } from '../../connection/reply.js';
import { MongoError, MongoNetworkError, MongoRuntimeError, MongoServerError } from '../../errors.js';
import { sleep } from '../../util/sleep.js';
import { serverDescriptionFromHello, unknownServerDescription } from '../server-description.js';
import { parseTopologyVersion, type TopologyVersion } from '../topology-version.js';
import type { ServerType } from '../types.js';
import {
  MIN_HEARTBEAT_FREQUENCY_MS,
  streamingEnabled,
  type MonitorCheckResult,
  type MonitorOptions,
} from './monitor-options.js';
import { RttMonitor, RttSampler } from './rtt-monitor.js';
import { Alarm } from './timers.js';

type CheckOutcome = { readonly kind: 'completed'; readonly result: MonitorCheckResult } | { readonly kind: 'cancelled' };

function asMongoError(error: unknown): MongoError {
  if (error instanceof MongoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MongoRuntimeError(`server check failed: ${message}`, { cause: error });
}

export class Monitor {
  readonly address: string;
  private readonly options: MonitorOptions;
  private readonly streaming: boolean;
  private readonly minHeartbeatFrequencyMS: number;
  private readonly sampler = new RttSampler();
  private readonly rttMonitor: RttMonitor;
  private readonly alarm = new Alarm();
  private readonly controller = new AbortController();

  private connection: Connection | undefined;
  /** The current check's connection id (allocated up front when the check opens the connection). */
  private checkConnectionId: number | undefined;
  private stream: AsyncGenerator<Reply, void, undefined> | undefined;
  private helloOk: boolean;
  private lastType: ServerType = 'Unknown';
  private topologyVersion: TopologyVersion | null = null;
  private cancelRequested = false;
  /** A hello is in flight: check requests are ignored (server-monitoring "Requesting an immediate check"). */
  private checking = false;
  private loop: Promise<void> | undefined;

  constructor(options: MonitorOptions) {
    this.options = options;
    this.address = options.address;
    this.streaming = streamingEnabled(options.serverMonitoringMode, options.env ?? process.env);
    this.minHeartbeatFrequencyMS = options.minHeartbeatFrequencyMS ?? MIN_HEARTBEAT_FREQUENCY_MS;
    this.helloOk = options.serverApi !== undefined;
    this.rttMonitor = new RttMonitor({
      connector: options.connector,
      sampler: this.sampler,
      heartbeatFrequencyMS: options.heartbeatFrequencyMS,
      connectTimeoutMS: options.connectTimeoutMS,
      helloCommand: () => this.helloCommand(),
    });
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** True while the RTT monitor runs (streaming protocol in use). */
  get measuringRtt(): boolean {
    return this.rttMonitor.started;
  }

  start(): void {
    if (this.loop !== undefined || this.stopped) return;
    this.loop = this.run();
  }

  /** Asks for a check soon (at most one per minHeartbeatFrequencyMS); no effect while streaming. */
  requestCheck(): void {
    if (this.checking) return;
    this.alarm.ring();
  }

  /**
   * Abandons the check in progress and closes the monitoring connection (after an
   * application saw a network error): the monitor then waits before checking again.
   */
  cancelCheck(): void {
    if (this.connection === undefined) return;
    this.cancelRequested = true;
    // The abandoned hello is no longer in progress: a check requested from now on must be honoured.
    this.checking = false;
    this.dropConnection();
  }

  /** Stops checking at once (an in-flight hello is interrupted) and resolves when the loop has exited. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.controller.abort();
      this.dropConnection();
    }
    await Promise.all([this.loop, this.rttMonitor.stop()]);
  }

  // ---- the loop -------------------------------------------------------------------

  private async run(): Promise<void> {
    while (!this.stopped) {
      const previousType = this.lastType;
      this.checking = true;
      const outcome = await this.check().finally(() => {
        this.checking = false;
      });
      if (this.stopped) return;
      if (outcome.kind === 'cancelled') {
        await this.wait();
        continue;
      }
      const { description, error } = outcome.result;
      this.lastType = description.type;
      this.topologyVersion = description.topologyVersion;
      this.options.onCheck(outcome.result);
      if (this.stopped) return;
      const serverStreams = description.type !== 'Unknown' && description.topologyVersion !== null;
      if (this.streaming && serverStreams) this.rttMonitor.start();
      if (this.streaming && (serverStreams || this.stream !== undefined)) continue;
      // A known server that just dropped a connection is retried once at once (spec: "retry hello calls once").
      if (error instanceof MongoNetworkError && previousType !== 'Unknown') continue;
      await this.wait();
    }
  }

  private async wait(): Promise<void> {
    const start = performance.now();
    await this.alarm.wait(this.options.heartbeatFrequencyMS, this.controller.signal);
    const waited = performance.now() - start;
    if (waited < this.minHeartbeatFrequencyMS) await sleep(this.minHeartbeatFrequencyMS - waited, this.controller.signal);
  }

  // ---- one check -----------------------------------------------------------------------

  private async check(): Promise<CheckOutcome> {
    this.cancelRequested = false;
    const connection = this.connection !== undefined && !this.connection.closed ? this.connection : undefined;
    const awaited = connection !== undefined && (this.stream !== undefined || (this.streaming && this.topologyVersion !== null));
    this.checkConnectionId = connection?.id ?? this.options.allocateConnectionId?.();
    this.publishStarted(awaited);
    const start = performance.now();
    try {
      const reply = connection === undefined ? await this.connect() : awaited ? await this.nextStreamed(connection) : await this.poll(connection);
      const durationMS = performance.now() - start;
      if (!awaited) this.sampler.add(durationMS);
      if (!isOk(reply)) throw new MongoServerError(reply);
      if (reply.helloOk === true) this.helloOk = true;
      this.publishSucceeded(awaited, durationMS, reply);
      const description = serverDescriptionFromHello(this.address, reply, {
        roundTripTime: this.sampler.average,
        minRoundTripTime: this.sampler.min,
      });
      return { kind: 'completed', result: { description, error: undefined } };
    } catch (thrown) {
      const error = asMongoError(thrown);
      this.publishFailed(awaited, performance.now() - start, error);
      this.dropConnection();
      this.sampler.reset();
      if (this.cancelRequested || this.stopped) return { kind: 'cancelled' };
      const topologyVersion = error instanceof MongoServerError ? parseTopologyVersion(error.reply.topologyVersion) : null;
      return { kind: 'completed', result: { description: unknownServerDescription(this.address, { error, topologyVersion }), error } };
    }
  }

  /** A new monitoring connection: its handshake reply is this check's hello. */
  private async connect(): Promise<Document> {
    const id = this.checkConnectionId;
    const connection = await this.options.connector(id === undefined ? { signal: this.controller.signal } : { signal: this.controller.signal, id });
    if (this.stopped) {
      connection.destroy();
      throw new MongoRuntimeError(`the monitor for ${this.address} was stopped`);
    }
    this.connection = connection;
    const description = connection.description;
    if (description === undefined) throw new MongoRuntimeError(`monitoring connection to ${this.address} has no handshake reply`);
    this.helloOk = this.helloOk || description.helloOk;
    return { ok: 1, ...description.hello };
  }

  private async poll(connection: Connection): Promise<Document> {
    const reply = await connection.command('admin', this.helloCommand(), { noThrow: true, socketTimeoutMS: this.options.connectTimeoutMS });
    return reply.body();
  }

  /** The next streamed reply, starting the awaitable hello when no stream is open. */
  private async nextStreamed(connection: Connection): Promise<Document> {
    if (this.stream === undefined) {
      const topologyVersion = this.topologyVersion;
      if (topologyVersion === null) throw new MongoRuntimeError('streaming hello needs a topologyVersion');
      const { connectTimeoutMS, heartbeatFrequencyMS } = this.options;
      this.stream = connection.exhaust(
        'admin',
        {
          ...this.helloCommand(),
          topologyVersion: { processId: topologyVersion.processId, counter: Long.fromBigInt(topologyVersion.counter) },
          maxAwaitTimeMS: heartbeatFrequencyMS,
        },
        { noThrow: true, socketTimeoutMS: connectTimeoutMS === 0 ? 0 : connectTimeoutMS + heartbeatFrequencyMS },
      );
    }
    const stream = this.stream;
    const next = await stream.next();
    if (next.done === true) {
      this.stream = undefined;
      throw new MongoNetworkError(`the streaming hello on ${this.address} ended without a reply`);
    }
    if (!next.value.moreToCome) {
      // Let the generator finish normally (a dropped one would close the connection).
      this.stream = undefined;
      await stream.next();
    }
    return next.value.body();
  }

  private helloCommand(): Document {
    const command: Document = this.helloOk ? { hello: 1 } : { isMaster: 1, helloOk: true };
    return { ...command, ...serverApiFields(this.options.serverApi) };
  }

  private dropConnection(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.connection?.destroy();
    this.connection = undefined;
    // Ends a suspended generator so its timers are disarmed; the connection is already closed.
    stream?.return(undefined).catch(() => undefined);
  }

  // ---- events ------------------------------------------------------------------------

  private publishStarted(awaited: boolean): void {
    const events = this.options.events;
    if (events === undefined || !events.wants('serverHeartbeatStarted')) return;
    const { topologyId, address } = this.options;
    events.emit('serverHeartbeatStarted', { name: 'serverHeartbeatStarted', topologyId, address, connectionId: address, awaited, ...this.connectionIds() });
  }

  private publishSucceeded(awaited: boolean, durationMS: number, reply: Document): void {
    const events = this.options.events;
    if (events === undefined || !events.wants('serverHeartbeatSucceeded')) return;
    const { topologyId, address } = this.options;
    events.emit('serverHeartbeatSucceeded', { name: 'serverHeartbeatSucceeded', topologyId, address, connectionId: address, awaited, ...this.connectionIds(), durationMS, reply });
  }

  /** The ids of the connection the current check runs on (or is opening). */
  private connectionIds(): { driverConnectionId: number | undefined; serverConnectionId: number | undefined } {
    const driverConnectionId = this.checkConnectionId ?? this.connection?.id;
    const connection = this.connection;
    const serverConnectionId = connection !== undefined && connection.id === driverConnectionId ? connection.description?.serverConnectionId : undefined;
    return { driverConnectionId, serverConnectionId };
  }

  private publishFailed(awaited: boolean, durationMS: number, failure: Error): void {
    const events = this.options.events;
    if (events === undefined || !events.wants('serverHeartbeatFailed')) return;
    const { topologyId, address } = this.options;
    events.emit('serverHeartbeatFailed', { name: 'serverHeartbeatFailed', topologyId, address, connectionId: address, awaited, ...this.connectionIds(), durationMS, failure });
  }
}

function isOk(reply: Document): boolean {
  const ok: unknown = reply.ok;
  return ok === 1 || ok === true || (typeof ok === 'object' && ok !== null && Number(ok) === 1);
}
