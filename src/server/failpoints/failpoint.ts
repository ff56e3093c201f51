// One named failpoint and its activation mode, following the real server's
// FailPoint semantics: a failpoint is "entered" only when the caller's predicate
// accepts its data, and only entries count against `times` and `skip`.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';

export type FailPointMode =
  | { readonly kind: 'off' }
  | { readonly kind: 'alwaysOn' }
  | { readonly kind: 'times'; remaining: number }
  | { readonly kind: 'skip'; remaining: number }
  | { readonly kind: 'activationProbability'; readonly probability: number };

export class FailPoint {
  readonly name: string;
  private mode: FailPointMode = { kind: 'off' };
  private data: Document = {};
  /** How many times the failpoint fired since it was last configured. */
  private timesEntered = 0;

  constructor(name: string, private readonly random: () => number = Math.random) {
    this.name = name;
  }

  /** Sets a new mode and data; returns how many times the previous configuration fired. */
  configure(mode: FailPointMode, data: Document): number {
    const previous = this.timesEntered;
    this.mode = mode.kind === 'times' && mode.remaining <= 0 ? { kind: 'off' } : mode;
    this.data = data;
    this.timesEntered = 0;
    return previous;
  }

  get isOff(): boolean {
    return this.mode.kind === 'off';
  }

  /**
   * Returns the data when the failpoint fires for this evaluation, else undefined.
   * `applies` sees the data first: when it says no, the evaluation does not count.
   */
  evaluate(applies: (data: Document) => boolean = () => true): Document | undefined {
    if (this.mode.kind === 'off' || !applies(this.data)) return undefined;
    if (!this.shouldFire()) return undefined;
    this.timesEntered++;
    return this.data;
  }

  private shouldFire(): boolean {
    const mode = this.mode;
    switch (mode.kind) {
      case 'off':
        return false;
      case 'alwaysOn':
        return true;
      case 'times':
        mode.remaining--;
        if (mode.remaining <= 0) this.mode = { kind: 'off' };
        return true;
      case 'skip':
        if (mode.remaining > 0) {
          mode.remaining--;
          return false;
        }
        return true;
      case 'activationProbability':
        return this.random() < mode.probability;
    }
  }
}

/** Parses configureFailPoint's `mode` field. */
export function parseFailPointMode(mode: unknown): FailPointMode {
  if (mode === 'off' || mode === 'alwaysOn') return { kind: mode };
  if (typeof mode === 'string') {
    throw new CommandError(ErrorCodes.BadValue, `unknown failpoint mode '${mode}': expected "off", "alwaysOn" or { times | skip | activationProbability }`);
  }
  if (typeof mode !== 'object' || mode === null || Array.isArray(mode)) {
    throw new CommandError(ErrorCodes.TypeMismatch, "'mode' must be a string or an object");
  }
  const spec = mode as Document;
  const keys = Object.keys(spec);
  if (keys.length !== 1) {
    throw new CommandError(ErrorCodes.BadValue, "'mode' object must have exactly one of 'times', 'skip' or 'activationProbability'");
  }
  const value = numberValue(spec[keys[0]]);
  switch (keys[0]) {
    case 'times':
    case 'skip':
      if (value === undefined || !Number.isInteger(value) || value < 0) {
        throw new CommandError(ErrorCodes.BadValue, `'${keys[0]}' option to 'mode' must be a non-negative integer`);
      }
      return { kind: keys[0], remaining: value };
    case 'activationProbability':
      if (value === undefined || value < 0 || value > 1) {
        throw new CommandError(ErrorCodes.BadValue, "'activationProbability' option to 'mode' must be a number between 0 and 1");
      }
      return { kind: 'activationProbability', probability: value };
    default:
      throw new CommandError(ErrorCodes.BadValue, `unknown failpoint mode option '${keys[0]}'`);
  }
}

export function numberValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && value !== null && 'valueOf' in value) {
    const primitive = (value as { valueOf(): unknown }).valueOf();
    if (typeof primitive === 'number') return primitive;
    if (typeof primitive === 'bigint') return Number(primitive);
  }
  return undefined;
}
