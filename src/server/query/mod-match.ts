// The query operator { $mod: [divisor, remainder] }, computed as mongod does on
// 64-bit integers: divisor and remainder are truncated toward zero (NaN,
// infinities and values beyond 64 bits rejected), a document value is a number
// truncated toward zero — exactly, so a decimal or long past 2^53 keeps its low
// digits — and the remainder takes the dividend's sign. Non-finite values and
// values outside the 64-bit range never match.
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { typeRank } from './bson-types.js';
import { exactValue } from './decimal/numeric.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

type Truncated = { ok: true; value: bigint } | { ok: false; reason: string };

/** A number truncated toward zero to a 64-bit integer, exactly. */
function truncateToInt64(value: unknown): Truncated {
  const exact = exactValue(value);
  if (exact.kind !== 'finite') return { ok: false, reason: 'Unable to coerce NaN/Inf to integral type' };
  // A huge exponent cannot fit 64 bits (unless the coefficient is 0): avoid building 10^6111.
  if (exact.exponent > 19 && exact.coefficient !== 0n) return { ok: false, reason: 'Out of bounds coercing to integral value' };
  const magnitude = exact.exponent >= 0
    ? exact.coefficient * 10n ** BigInt(exact.exponent)
    : exact.coefficient / 10n ** BigInt(-exact.exponent);
  const truncated = exact.negative ? -magnitude : magnitude;
  if (truncated < INT64_MIN || truncated > INT64_MAX) return { ok: false, reason: 'Out of bounds coercing to integral value' };
  return { ok: true, value: truncated };
}

function badValue(message: string): CommandError {
  return new CommandError(ErrorCodes.BadValue, message);
}

function operandPart(value: unknown, name: 'divisor' | 'remainder'): bigint {
  if (typeRank(value) !== 3) throw badValue(`malformed mod, ${name} not a number`);
  const truncated = truncateToInt64(value);
  if (!truncated.ok) throw badValue(`malformed mod, ${name} value is invalid :: caused by :: ${truncated.reason}`);
  return truncated.value;
}

/** The single-value test for a $mod operand (BadValue for a malformed one). */
export function compileMod(operand: unknown): (value: unknown) => boolean {
  if (!Array.isArray(operand)) throw badValue('malformed mod, needs to be an array');
  if (operand.length < 2) throw badValue('malformed mod, not enough elements');
  if (operand.length > 2) throw badValue('malformed mod, too many elements');
  const divisor = operandPart(operand[0], 'divisor');
  const remainder = operandPart(operand[1], 'remainder');
  if (divisor === 0n) throw badValue('divisor cannot be 0');
  return (value) => {
    if (typeRank(value) !== 3) return false;
    const dividend = truncateToInt64(value);
    // BigInt % truncates like C++'s, so the remainder has the dividend's sign.
    return dividend.ok && dividend.value % divisor === remainder;
  };
}
