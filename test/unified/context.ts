// State shared by the parts of the runner while one test executes.
import type { ClientHandle, DriverAdapter } from './adapter.js';
import type { EntityMap } from './entities.js';
import type { MatchContext } from './matcher.js';
import type { Operation } from './model.js';
import type { ServerInfo } from './requirements.js';

/**
 * How the runner tells a `loop` operation to stop (the spec leaves the mechanism to the driver):
 * the loop ends when the signal aborts or after maxIterations iterations, whichever comes first.
 * A loop with neither is refused, so a test can never spin forever.
 */
export interface LoopControl {
  signal?: AbortSignal;
  maxIterations?: number;
}

/** Per target: the driver under test, the deployment and the internal client. */
export interface RunnerEnv {
  adapter: DriverAdapter;
  /** The deployment; on a load-balanced target, the balancer fronting one service (singleMongosLoadBalancedUri). */
  uri: string;
  /** Load-balanced target: the balancer fronting several services (multiMongosLoadBalancedUri). */
  multiMongosUri?: string;
  internal: ClientHandle;
  info: ServerInfo;
  loop?: LoopControl;
}

export interface EnabledFailPoint {
  name: string;
  /** The client that enabled it, or a direct client to a mongos (targetedFailPoint), closed after disabling. */
  client: ClientHandle;
  ownsClient: boolean;
}

export interface ExecuteOptions {
  /** Inside withTransaction's callback: errors propagate even when expected or ignored. */
  propagateErrors?: boolean;
}

export interface TestContext {
  env: RunnerEnv;
  entities: EntityMap;
  failPoints: EnabledFailPoint[];
  match: MatchContext;
  /** The test runs configureFailPoint: clients may use faster heartbeats. */
  usesFailPoints: boolean;
  execute(op: Operation, options?: ExecuteOptions): Promise<void>;
}
