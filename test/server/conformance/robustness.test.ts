// Bad bytes close only the connection that sent them; everyone else carries on.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeMessage, OP_MSG, OP_REPLY, type DecodedOpMsg } from '../../../src/wire/index.js';
import { RawClient } from '../support/raw-client.js';
import { useServer } from '../support/server-fixture.js';

describe('robustness against bad input', () => {
  const fixture = useServer();
  const raws: RawClient[] = [];
  const open = async (): Promise<RawClient> => {
    const raw = await RawClient.open(fixture.server.port);
    raws.push(raw);
    return raw;
  };
  afterEach(() => {
    for (const raw of raws.splice(0)) raw.close();
  });

  const pingStillWorks = async (): Promise<void> => {
    expect(await fixture.client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  };

  it('closes a socket that sends garbage', async () => {
    const raw = await open();
    raw.send(Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n'));
    await raw.closed;
    await pingStillWorks();
  });

  it('closes a socket whose length header exceeds maxMessageSizeBytes', async () => {
    const raw = await open();
    const header = Buffer.alloc(16);
    header.writeInt32LE(100_000_000, 0);
    header.writeInt32LE(2013, 12);
    raw.send(header);
    await raw.closed;
    await pingStillWorks();
  });

  it('closes a socket whose frame is well-sized but undecodable', async () => {
    const raw = await open();
    const frame = Buffer.alloc(40, 0xff);
    frame.writeInt32LE(40, 0);
    frame.writeInt32LE(OP_MSG, 12);
    raw.send(frame);
    await raw.closed;
    await pingStillWorks();
  });

  it('closes a socket that sends a server-only opcode', async () => {
    const raw = await open();
    raw.send(encodeMessage({ opCode: OP_REPLY, requestId: 1, responseTo: 0, responseFlags: 0, cursorId: 0n, startingFrom: 0, documents: [{}] }));
    await raw.closed;
    await pingStillWorks();
  });

  it('keeps serving a parallel driver client while garbage arrives', async () => {
    const raw = await open();
    const pings = Promise.all(Array.from({ length: 20 }, () => fixture.client.db('admin').command({ ping: 1 })));
    raw.send(Buffer.alloc(64, 0x41));
    await raw.closed;
    expect(await pings).toHaveLength(20);
  });

  it('replies with an error (not a close) to OP_MSG without $db', async () => {
    const raw = await open();
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 7, responseTo: 0, body: { ping: 1 } }));
    const [reply] = (await raw.messages(1)) as DecodedOpMsg[];
    expect(reply.responseTo).toBe(7);
    expect(reply.body()).toMatchObject({ ok: 0, code: 40571, errmsg: 'OP_MSG requests require a $db argument' });
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 8, responseTo: 0, body: { ping: 1, $db: 'admin' } }));
    const second = (await raw.messages(2))[1] as DecodedOpMsg;
    expect(second.body()).toEqual({ ok: 1 });
  });

  it('rejects a command over 16 MiB + 16 KiB with BSONObjectTooLarge', async () => {
    const raw = await open();
    const big = 'x'.repeat(16 * 1024 * 1024 + 20 * 1024);
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 9, responseTo: 0, body: { ping: 1, pad: big, $db: 'admin' } }));
    const [reply] = (await raw.messages(1, 10_000)) as DecodedOpMsg[];
    expect(reply.body()).toMatchObject({ ok: 0, code: 10334, codeName: 'BSONObjectTooLarge' });
  });

  it('sends no reply to a request flagged moreToCome', async () => {
    const raw = await open();
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 10, responseTo: 0, moreToCome: true, body: { ping: 1, $db: 'admin' } }));
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 11, responseTo: 0, checksum: true, body: { ping: 1, $db: 'admin' } }));
    const [reply] = (await raw.messages(1)) as DecodedOpMsg[];
    expect(reply.responseTo).toBe(11);
  });

  it('survives a handler that throws a non-CommandError', async () => {
    fixture.server.registerCommand({ name: 'explode', run: () => { throw new RangeError('boom'); } }, { replace: true });
    await expect(fixture.client.db('admin').command({ explode: 1 })).rejects.toMatchObject({ code: 1, codeName: 'InternalError' });
    await pingStillWorks();
  });
});

describe('robustness against random bytes (property)', () => {
  const fixture = useServer();

  it('never stops serving other clients, whatever one socket sends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const raw = await RawClient.open(fixture.server.port);
        try {
          raw.send(Buffer.from(bytes));
          await Promise.race([raw.closed, new Promise((resolve) => setTimeout(resolve, 20))]);
        } finally {
          raw.close();
        }
        const reply = await fixture.client.db('admin').command({ ping: 1 });
        return reply.ok === 1;
      }),
      { numRuns: 40 },
    );
  });
});
