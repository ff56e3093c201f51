// Structured logging of commands, pools and topology, driven by the Client's own
// events. Every layer already publishes into the Client (the one event sink), and
// each event carries what its log message reports, so the logger subscribes here
// instead of being threaded through every constructor. A component that does not log
// at "debug" subscribes nothing: its producers keep seeing `wants(name) === false`
// and build no event at all. (Server selection has no events; it logs through the
// Topology's logger, see src/selection/selection-log.ts.)
import type { LogComponent, LogMessage, MongoLogger } from '../monitoring/logger/index.js';
import {
  checkedInMessage,
  checkedOutMessage,
  checkoutFailedMessage,
  checkoutStartedMessage,
  commandFailedMessage,
  commandStartedMessage,
  commandSucceededMessage,
  connectionClosedMessage,
  connectionCreatedMessage,
  connectionReadyMessage,
  heartbeatFailedMessage,
  heartbeatStartedMessage,
  heartbeatSucceededMessage,
  poolClearedMessage,
  poolClosedMessage,
  poolCreatedMessage,
  poolReadyMessage,
  serverClosedMessage,
  serverOpeningMessage,
  topologyClosedMessage,
  topologyDescriptionChangedMessage,
  topologyOpeningMessage,
} from '../monitoring/logger/index.js';
import type { ClientEventMap, TypedEventEmitter } from './client-events.js';

type EventName = keyof ClientEventMap & string;
type MessageBuilder<K extends EventName> = (event: ClientEventMap[K], maxDocumentLength: number) => LogMessage;
type Bridge = { readonly [K in EventName]?: MessageBuilder<K> };

// Every message below is logged at "debug" (command, CMAP and SDAM logging specs).
const COMMAND: Bridge = {
  commandStarted: commandStartedMessage,
  commandSucceeded: commandSucceededMessage,
  commandFailed: commandFailedMessage,
};

const CONNECTION: Bridge = {
  connectionPoolCreated: (event) => poolCreatedMessage(event),
  connectionPoolReady: (event) => poolReadyMessage(event),
  connectionPoolCleared: (event) => poolClearedMessage(event),
  connectionPoolClosed: (event) => poolClosedMessage(event),
  connectionCreated: (event) => connectionCreatedMessage(event),
  connectionReady: (event) => connectionReadyMessage(event),
  connectionClosed: connectionClosedMessage,
  connectionCheckOutStarted: (event) => checkoutStartedMessage(event),
  connectionCheckOutFailed: checkoutFailedMessage,
  connectionCheckedOut: (event) => checkedOutMessage(event),
  connectionCheckedIn: (event) => checkedInMessage(event),
};

const TOPOLOGY: Bridge = {
  topologyOpening: (event) => topologyOpeningMessage(event),
  topologyClosed: (event) => topologyClosedMessage(event),
  topologyDescriptionChanged: topologyDescriptionChangedMessage,
  serverOpening: (event) => serverOpeningMessage(event),
  serverClosed: (event) => serverClosedMessage(event),
  serverHeartbeatStarted: (event) => heartbeatStartedMessage(event),
  serverHeartbeatSucceeded: heartbeatSucceededMessage,
  serverHeartbeatFailed: heartbeatFailedMessage,
};

const BRIDGES: ReadonlyArray<readonly [LogComponent, Bridge]> = [
  ['command', COMMAND],
  ['connection', CONNECTION],
  ['topology', TOPOLOGY],
];

/**
 * Subscribes `logger` to the events of every component it logs at "debug"; returns the
 * function that unsubscribes (the Client calls it once closed).
 */
export function attachClientLogging(events: TypedEventEmitter<ClientEventMap>, logger: MongoLogger): () => void {
  const detachers: (() => void)[] = [];
  for (const [component, bridge] of BRIDGES) {
    if (!logger.willLog(component, 'debug')) continue;
    for (const name of Object.keys(bridge) as EventName[]) {
      const build = bridge[name] as MessageBuilder<EventName> | undefined;
      if (build === undefined) continue;
      const listener = (event: ClientEventMap[EventName]): void => logEvent(logger, component, build, event);
      events.on(name, listener);
      detachers.push(() => events.off(name, listener));
    }
  }
  return () => {
    for (const detach of detachers) detach();
    detachers.length = 0;
  };
}

let warnedBuildFailure = false;

// A listener that throws would break the producer mid-operation (a pool mid-checkout),
// so a message that cannot be built is reported once and dropped.
function logEvent<K extends EventName>(logger: MongoLogger, component: LogComponent, build: MessageBuilder<K>, event: ClientEventMap[K]): void {
  let message: LogMessage;
  try {
    message = build(event, logger.maxDocumentLength);
  } catch (error) {
    if (!warnedBuildFailure) {
      warnedBuildFailure = true;
      process.emitWarning(`mongrove: could not build a ${component} log message: ${error instanceof Error ? error.message : String(error)}`);
    }
    return;
  }
  logger.log(component, 'debug', message);
}
