// Options the URI options spec says to ignore (invalid values, unknown names) reach the
// application as process warnings that name the option, not silently.
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/index.js';

describe('connection string warnings', () => {
  const seen: Error[] = [];
  const listener = (warning: Error): void => {
    seen.push(warning);
  };
  afterEach(() => {
    process.off('warning', listener);
    seen.length = 0;
  });

  it('emits a MongroveWarning naming an ignored option', async () => {
    process.on('warning', listener);
    const client = new Client('mongodb://127.0.0.1:1/?maxPoolSize=abc&notAnOption=1');
    await new Promise((resolve) => setImmediate(resolve));
    await client.close();
    const messages = seen.filter((w) => w.name === 'MongroveWarning').map((w) => w.message);
    expect(messages.some((m) => m.includes('maxPoolSize'))).toBe(true);
    expect(messages.some((m) => m.includes('notAnOption'))).toBe(true);
    expect(client.settings.pool.maxPoolSize).toBe(100);
  });
});
