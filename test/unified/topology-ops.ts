// The special operations on TopologyDescription entities (unified format 1.4):
// recordTopologyDescription, assertTopologyType, waitForPrimaryChange.
import { InvalidArgumentsError, type TopologyDescriptionView } from './adapter.js';
import { show } from './bson-values.js';
import type { TestContext } from './context.js';
import type { Operation } from './model.js';

const DEFAULT_PRIMARY_CHANGE_TIMEOUT_MS = 10_000;
const POLL_MS = 20;

function stringArg(op: Operation, key: string): string {
  const value = op.arguments?.[key];
  if (typeof value !== 'string') throw new InvalidArgumentsError(op.name, `argument "${key}" must be a string, got ${show(value)}`);
  return value;
}

function isView(value: unknown): value is TopologyDescriptionView {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && Array.isArray((value as { servers?: unknown }).servers);
}

function storedDescription(ctx: TestContext, op: Operation, key: string): TopologyDescriptionView {
  const name = stringArg(op, key);
  const value = ctx.entities.valueOf(name);
  if (!isView(value)) throw new InvalidArgumentsError(op.name, `entity "${name}" is not a TopologyDescription`);
  return value;
}

function primaryOf(description: TopologyDescriptionView): string | undefined {
  return description.servers.find((s) => s.type === 'RSPrimary')?.address;
}

export function recordTopologyDescription(ctx: TestContext, op: Operation): void {
  const client = ctx.entities.client(stringArg(op, 'client'));
  const snapshot = client.handle.topologyDescription();
  ctx.entities.set(stringArg(op, 'id'), { kind: 'value', value: { type: snapshot.type, servers: snapshot.servers.map((s) => ({ ...s })) } });
}

export function assertTopologyType(ctx: TestContext, op: Operation): void {
  const description = storedDescription(ctx, op, 'topologyDescription');
  const expected = stringArg(op, 'topologyType');
  if (description.type !== expected) throw new Error(`expected topology type ${expected} but the recorded description is ${description.type}`);
}

/** Waits until the client knows a primary other than the prior description's (any primary if it had none). */
export async function waitForPrimaryChange(ctx: TestContext, op: Operation): Promise<void> {
  const client = ctx.entities.client(stringArg(op, 'client'));
  const prior = primaryOf(storedDescription(ctx, op, 'priorTopologyDescription'));
  const timeoutArg = op.arguments?.timeoutMS;
  if (timeoutArg !== undefined && typeof timeoutArg !== 'number') throw new InvalidArgumentsError(op.name, `argument "timeoutMS" must be a number, got ${show(timeoutArg)}`);
  const deadline = Date.now() + (timeoutArg ?? DEFAULT_PRIMARY_CHANGE_TIMEOUT_MS);
  for (;;) {
    const current = primaryOf(client.handle.topologyDescription());
    if (current !== undefined && current !== prior) return;
    if (Date.now() > deadline) {
      throw new Error(`waitForPrimaryChange: the primary is still ${current ?? 'unknown'} (was ${prior ?? 'none'}) after ${timeoutArg ?? DEFAULT_PRIMARY_CHANGE_TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
