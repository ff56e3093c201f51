// The embedded server's side of SCRAM, driven command by command through the
// official driver (unauthenticated connection to a server without enforcement).
import { Binary, MongoClient, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScramConversation, type ScramMechanism } from '../../src/auth/scram.js';
import { parseCliArgs } from '../../src/server/cli-args.js';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
let client: MongoClient;

beforeAll(async () => {
  server = await MemoryServer.start({ users: [{ user: 'seeded', pwd: 'pw', mechanisms: ['SCRAM-SHA-256'] }] });
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
  await client.connect();
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

const bytes = (payload: unknown): Buffer => {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position));
  throw new Error('expected a BinData payload');
};

/** One full conversation by hand; returns the replies. */
async function converse(mechanism: ScramMechanism, user: string, password: string, db = 'admin', skipEmptyExchange = true): Promise<Document[]> {
  const conversation = new ScramConversation({ mechanism, username: user, password });
  const replies: Document[] = [];
  const start = await client.db(db).command({
    saslStart: 1,
    mechanism,
    payload: new Binary(conversation.clientFirst()),
    ...(skipEmptyExchange ? { options: { skipEmptyExchange: true } } : {}),
  });
  replies.push(start);
  const final = await client.db(db).command({ saslContinue: 1, conversationId: start.conversationId, payload: new Binary(await conversation.clientFinal(bytes(start.payload))) });
  replies.push(final);
  conversation.verifyServerFinal(bytes(final.payload));
  if (final.done !== true) replies.push(await client.db(db).command({ saslContinue: 1, conversationId: start.conversationId, payload: new Binary(Buffer.alloc(0)) }));
  return replies;
}

describe('server-side SCRAM', () => {
  it('stores SCRAM credentials per mechanism with mongod iteration counts', async () => {
    await client.db('admin').command({ createUser: 'both', pwd: 'both', roles: [] });
    await client.db('admin').command({ createUser: 'only1', pwd: 'only1', roles: [], mechanisms: ['SCRAM-SHA-1'] });
    const info = await client.db('admin').command({ usersInfo: 'only1' });
    expect(info.users[0].mechanisms).toEqual(['SCRAM-SHA-1']);
    const [start256] = await converse('SCRAM-SHA-256', 'both', 'both');
    expect(bytes(start256.payload).toString()).toMatch(/,i=15000$/);
    const [start1] = await converse('SCRAM-SHA-1', 'both', 'both');
    expect(bytes(start1.payload).toString()).toMatch(/,i=10000$/);
  });

  it('validates the mechanisms option', async () => {
    await expect(client.db('admin').command({ createUser: 'bad', pwd: 'x', roles: [], mechanisms: ['PLAIN'] })).rejects.toMatchObject({ code: 2 });
    await expect(client.db('admin').command({ createUser: 'bad', pwd: 'x', roles: [], mechanisms: [] })).rejects.toMatchObject({ code: 2 });
    await expect(client.db('admin').command({ createUser: 'bad', pwd: 'x', roles: [], mechanisms: 'SCRAM-SHA-1' })).rejects.toMatchObject({ code: 14 });
  });

  it('ends in one saslContinue with skipEmptyExchange, in two without', async () => {
    const short = await converse('SCRAM-SHA-256', 'seeded', 'pw');
    expect(short.map((r) => r.done)).toEqual([false, true]);
    expect(short[0].conversationId).toBe(1);
    const long = await converse('SCRAM-SHA-256', 'seeded', 'pw', 'admin', false);
    expect(long.map((r) => r.done)).toEqual([false, false, true]);
  });

  it('fails a wrong password, a missing mechanism and an unknown user alike', async () => {
    for (const [mechanism, user, password] of [
      ['SCRAM-SHA-256', 'seeded', 'wrong'],
      ['SCRAM-SHA-1', 'seeded', 'pw'],
      ['SCRAM-SHA-256', 'ghost', 'pw'],
    ] as const) {
      await expect(converse(mechanism, user, password)).rejects.toMatchObject({ code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' });
    }
    await expect(client.db('admin').command({ saslContinue: 1, conversationId: 1, payload: new Binary(Buffer.from('x')) })).rejects.toMatchObject({ code: 17 });
    await expect(client.db('admin').command({ saslStart: 1, mechanism: 'PLAIN', payload: new Binary(Buffer.from('x')) })).rejects.toMatchObject({ code: 334 });
  });

  it('a password change takes effect; a dropped user can no longer authenticate', async () => {
    await client.db('other').command({ createUser: 'rot', pwd: 'old', roles: [] });
    await converse('SCRAM-SHA-256', 'rot', 'old', 'other');
    await client.db('other').command({ updateUser: 'rot', pwd: 'new' });
    await expect(converse('SCRAM-SHA-256', 'rot', 'old', 'other')).rejects.toMatchObject({ code: 18 });
    await converse('SCRAM-SHA-1', 'rot', 'new', 'other');
    await client.db('other').command({ dropUser: 'rot' });
    await expect(converse('SCRAM-SHA-256', 'rot', 'new', 'other')).rejects.toMatchObject({ code: 18 });
  });

  it("answers hello's saslSupportedMechs with the user's mechanisms, and omits it for unknown users", async () => {
    expect((await client.db('admin').command({ hello: 1, saslSupportedMechs: 'admin.seeded' })).saslSupportedMechs).toEqual(['SCRAM-SHA-256']);
    expect((await client.db('admin').command({ hello: 1, saslSupportedMechs: 'admin.ghost' })).saslSupportedMechs).toBeUndefined();
    await expect(client.db('admin').command({ hello: 1, saslSupportedMechs: 'nodot' })).rejects.toMatchObject({ code: 2 });
  });

  it('enforces nothing without auth: true', async () => {
    expect(await client.db('x').collection('y').countDocuments()).toBe(0);
  });

  it('validates seeded users', async () => {
    await expect(MemoryServer.start({ users: [{ user: '', pwd: 'x' }] })).rejects.toThrow(/users\[0\]/);
    await expect(MemoryServer.start({ users: [{ user: 'u', pwd: 'x', mechanisms: ['MD5' as 'SCRAM-SHA-1'] }] })).rejects.toThrow(/Unknown auth mechanism 'MD5'/);
  });
});

describe('mongrove-server CLI auth flags', () => {
  it('parses --auth and repeated --user NAME:PASSWORD', () => {
    expect(parseCliArgs(['--auth', '--user', 'a:b:c', '--user=x:y'])).toEqual({
      kind: 'serve',
      host: '127.0.0.1',
      port: 0,
      auth: true,
      users: [
        { user: 'a', pwd: 'b:c' },
        { user: 'x', pwd: 'y' },
      ],
    });
    expect(parseCliArgs(['--user', 'nopassword'])).toMatchObject({ kind: 'error', message: "--user must be NAME:PASSWORD, got 'nopassword'" });
  });
});
