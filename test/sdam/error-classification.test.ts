import { describe, expect, it } from 'vitest';
import { isNodeIsRecovering, isNodeShuttingDown, isNotWritablePrimary, isStateChangeError } from '../../src/sdam/error-classification.js';

describe('state change error classification', () => {
  it('uses the code alone when there is one', () => {
    expect(isNotWritablePrimary({ code: 10107, message: '' })).toBe(true);
    expect(isStateChangeError({ code: 1, message: 'not master' })).toBe(false);
    expect(isNodeIsRecovering({ code: 189, message: '' })).toBe(true);
  });

  it('falls back to the message without a code', () => {
    expect(isNotWritablePrimary({ message: 'not master' })).toBe(true);
    expect(isNotWritablePrimary({ message: 'not master or secondary' })).toBe(false);
    expect(isNodeIsRecovering({ message: 'not master or secondary' })).toBe(true);
    expect(isNodeIsRecovering({ message: 'node is recovering' })).toBe(true);
    expect(isStateChangeError({ message: 'something else' })).toBe(false);
  });

  it('knows the shutdown codes', () => {
    expect(isNodeShuttingDown({ code: 91, message: '' })).toBe(true);
    expect(isNodeShuttingDown({ code: 11600, message: '' })).toBe(true);
    expect(isNodeShuttingDown({ code: 11602, message: '' })).toBe(false);
  });
});
