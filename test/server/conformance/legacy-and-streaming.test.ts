// Legacy OP_QUERY handshakes, merged document sequences, and the streaming
// (exhaust) hello that SDAM monitors use.
import { afterEach, describe, expect, it } from 'vitest';
import { Long } from '../../../src/bson.js';
import { encodeMessage, OP_MSG, OP_QUERY, type DecodedOpMsg, type OpReplyMessage } from '../../../src/wire/index.js';
import { RawClient } from '../support/raw-client.js';
import { useServer } from '../support/server-fixture.js';

describe('wire protocol details', () => {
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

  const legacyQuery = (requestId: number, query: Record<string, unknown>, ns = 'admin.$cmd'): Buffer =>
    encodeMessage({ opCode: OP_QUERY, requestId, responseTo: 0, flags: 0, fullCollectionName: ns, numberToSkip: 0, numberToReturn: -1, query });

  it('answers a legacy OP_QUERY isMaster with OP_REPLY', async () => {
    const raw = await open();
    raw.send(legacyQuery(3, { isMaster: 1, client: { application: { name: 'legacy-app' }, driver: { name: 'x', version: '1' } } }));
    const [reply] = (await raw.messages(1)) as OpReplyMessage[];
    expect(reply.opCode).toBe(1);
    expect(reply.responseTo).toBe(3);
    expect(reply.documents[0]).toMatchObject({ ismaster: true, ok: 1, maxWireVersion: 25 });
  });

  it('refuses other OP_QUERY commands as a 6.0+ server does', async () => {
    const raw = await open();
    raw.send(legacyQuery(4, { find: 'c' }, 'test.$cmd'));
    const [reply] = (await raw.messages(1)) as OpReplyMessage[];
    expect(reply.documents[0]).toMatchObject({ ok: 0, code: 352, codeName: 'UnsupportedOpQueryCommand' });
  });

  it('rejects a second hello carrying client metadata', async () => {
    const raw = await open();
    const client = { driver: { name: 'x', version: '1' } };
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { hello: 1, client, $db: 'admin' } }));
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 2, responseTo: 0, body: { hello: 1, client, $db: 'admin' } }));
    const replies = (await raw.messages(2)) as DecodedOpMsg[];
    expect(replies[0].body().ok).toBe(1);
    expect(replies[1].body()).toMatchObject({ ok: 0, code: 186 });
  });

  it('merges kind-1 document sequences into the body before dispatch', async () => {
    fixture.server.registerCommand({ name: 'countDocs', run: (command) => ({ n: (command.documents as unknown[]).length }) }, { replace: true });
    const raw = await open();
    raw.send(
      encodeMessage({
        opCode: OP_MSG,
        requestId: 5,
        responseTo: 0,
        body: { countDocs: 'c', $db: 'test' },
        sequences: [{ identifier: 'documents', documents: [{ a: 1 }, { a: 2 }, { a: 3 }] }],
      }),
    );
    const [reply] = (await raw.messages(1)) as DecodedOpMsg[];
    expect(reply.body()).toMatchObject({ n: 3, ok: 1 });
  });

  it('streams hello replies with moreToCome to an exhaust-allowed awaitable hello', async () => {
    const raw = await open();
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 20, responseTo: 0, body: { hello: 1, $db: 'admin' } }));
    const [first] = (await raw.messages(1)) as DecodedOpMsg[];
    const topologyVersion = first.body().topologyVersion as { processId: unknown; counter: Long };
    raw.send(
      encodeMessage({
        opCode: OP_MSG,
        requestId: 21,
        responseTo: 0,
        exhaustAllowed: true,
        body: { hello: 1, topologyVersion, maxAwaitTimeMS: 30, $db: 'admin' },
      }),
    );
    const streamed = ((await raw.messages(4)) as DecodedOpMsg[]).slice(1);
    expect(streamed.every((message) => message.moreToCome)).toBe(true);
    expect(streamed[0].responseTo).toBe(21);
    expect(streamed[1].responseTo).toBe(streamed[0].requestId);
    expect(streamed[2].responseTo).toBe(streamed[1].requestId);
  });

  it('answers an awaitable hello at once when the topology changes', async () => {
    const raw = await open();
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 30, responseTo: 0, body: { hello: 1, $db: 'admin' } }));
    const [first] = (await raw.messages(1)) as DecodedOpMsg[];
    const topologyVersion = first.body().topologyVersion as { processId: unknown; counter: Long };
    raw.send(encodeMessage({ opCode: OP_MSG, requestId: 31, responseTo: 0, body: { hello: 1, topologyVersion, maxAwaitTimeMS: 60_000, $db: 'admin' } }));
    setTimeout(() => fixture.server.bumpTopologyVersion(), 20);
    const second = (await raw.messages(2, 2000))[1] as DecodedOpMsg;
    expect(second.moreToCome).toBe(false);
    const counter = (second.body().topologyVersion as { counter: Long }).counter;
    expect(Long.fromValue(counter).toNumber()).toBe(Long.fromValue(topologyVersion.counter).toNumber() + 1);
  });
});
