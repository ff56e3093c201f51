// The failCommand failpoint as the official driver experiences it.
import { afterEach, describe, expect, it } from 'vitest';
import { MongoNetworkError, MongoServerError, type Document } from 'mongodb';
import { useServer } from '../support/server-fixture.js';

describe('failpoints (official driver)', () => {
  const fixture = useServer();
  const configure = (command: Document): Promise<Document> =>
    fixture.client.db('admin').command({ configureFailPoint: 'failCommand', ...command });

  afterEach(async () => {
    await configure({ mode: 'off' });
  });

  it('fails a listed command with errorCode and the given errorLabels', async () => {
    await configure({ mode: { times: 1 }, data: { failCommands: ['ping'], errorCode: 2, errorLabels: ['SomeLabel'] } });
    const error = await fixture.client.db('test').command({ ping: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 2, codeName: 'BadValue', message: "Failing command via 'failCommand' failpoint" });
    expect((error as MongoServerError).hasErrorLabel('SomeLabel')).toBe(true);
    expect(await fixture.client.db('test').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('counts only matching commands against times', async () => {
    await configure({ mode: { times: 2 }, data: { failCommands: ['ping'], errorCode: 2 } });
    await fixture.client.db('admin').command({ buildInfo: 1 });
    await expect(fixture.client.db('test').command({ ping: 1 })).rejects.toMatchObject({ code: 2 });
    await fixture.client.db('admin').command({ buildInfo: 1 });
    await expect(fixture.client.db('test').command({ ping: 1 })).rejects.toMatchObject({ code: 2 });
    expect(await fixture.client.db('test').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('skips the first n matching commands with mode { skip }', async () => {
    await configure({ mode: { skip: 1 }, data: { failCommands: ['ping'], errorCode: 2 } });
    expect(await fixture.client.db('test').command({ ping: 1 })).toEqual({ ok: 1 });
    await expect(fixture.client.db('test').command({ ping: 1 })).rejects.toMatchObject({ code: 2 });
    await expect(fixture.client.db('test').command({ ping: 1 })).rejects.toMatchObject({ code: 2 });
  });

  it('closes the connection without a reply, and the next command works', async () => {
    await configure({ mode: { times: 1 }, data: { failCommands: ['ping'], closeConnection: true } });
    const error = await fixture.client.db('test').command({ ping: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoNetworkError);
    expect(await fixture.client.db('test').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('blocks the connection for blockTimeMS', async () => {
    await configure({ mode: { times: 1 }, data: { failCommands: ['ping'], blockConnection: true, blockTimeMS: 150 } });
    const started = performance.now();
    expect(await fixture.client.db('test').command({ ping: 1 })).toEqual({ ok: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('applies only to connections whose handshake appName matches', async () => {
    const named = await fixture.newClient({ appName: 'victim' });
    await configure({ mode: { times: 1 }, data: { failCommands: ['ping'], errorCode: 2, appName: 'victim' } });
    expect(await fixture.client.db('test').command({ ping: 1 })).toEqual({ ok: 1 });
    await expect(named.db('test').command({ ping: 1 })).rejects.toMatchObject({ code: 2 });
  });

  it('adds a writeConcernError to an otherwise successful reply', async () => {
    fixture.server.registerCommand({ name: 'pretendWrite', run: () => ({ n: 1 }) }, { replace: true });
    await configure({ mode: { times: 1 }, data: { failCommands: ['pretendWrite'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } } });
    const reply = await fixture.client.db('test').command({ pretendWrite: 1 }).catch((e: unknown) => e);
    // The driver surfaces a reply with writeConcernError as an error carrying the reply.
    const document = reply instanceof MongoServerError ? reply.errorResponse : (reply as Document);
    expect(document).toMatchObject({ ok: 1, n: 1, writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } });
  });

  it('can fail hello, as SDAM tests do', async () => {
    const named = await fixture.newClient({ appName: 'helloVictim' });
    await configure({ mode: { times: 1 }, data: { failCommands: ['hello', 'isMaster'], errorCode: 2, appName: 'helloVictim' } });
    await expect(named.db('admin').command({ hello: 1 })).rejects.toMatchObject({ code: 2 });
  });

  it('reports the previous configuration count and requires the admin database', async () => {
    await configure({ mode: 'alwaysOn', data: { failCommands: ['ping'], errorCode: 2 } });
    await expect(fixture.client.db('test').command({ ping: 1 })).rejects.toMatchObject({ code: 2 });
    expect((await configure({ mode: 'off' })).count).toBe(1);
    await expect(fixture.client.db('test').command({ configureFailPoint: 'failCommand', mode: 'off' })).rejects.toMatchObject({ code: 13 });
    await expect(configure({ mode: 'sometimes' })).rejects.toMatchObject({ code: 2 });
  });
});
