// "Power of two random choices": of two servers drawn at random from the latency
// window, take the one running fewer operations (server-selection spec).
import type { ServerDescription } from '../sdam/server-description.js';

/** Returns a number in [0, 1); injectable so tests are deterministic. */
export type RandomSource = () => number;

export function pickServer(
  window: readonly ServerDescription[],
  operationCount: (address: string) => number,
  random: RandomSource = Math.random,
): ServerDescription | undefined {
  if (window.length <= 1) return window[0];
  const first = Math.floor(random() * window.length);
  // Draw the second from the remaining servers so the two are always distinct.
  let second = Math.floor(random() * (window.length - 1));
  if (second >= first) second += 1;
  const a = window[first];
  const b = window[second];
  return operationCount(b.address) < operationCount(a.address) ? b : a;
}
