// npm run quickstart — a tour of mongrove against the embedded server (or MONGODB_URI).
import { Client } from '../src/index.js';
import { MemoryServer } from '../src/server/index.js';

interface Order {
  sku: string;
  qty: number;
  status?: string;
}

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  const external = process.env.MONGODB_URI;
  // A one-member replica set, so transactions and change streams work too.
  const server = external ? undefined : await MemoryServer.start({ replSet: 'rs0' });
  const uri = external ?? server?.uri ?? '';
  log(`server: ${external ? 'MONGODB_URI' : 'embedded MemoryServer'} at ${uri}`);

  const client = new Client(uri);
  // Command monitoring: every command the driver sends, with its round-trip time.
  const seen = new Map<string, number>();
  let printCommands = true;
  client.on('commandStarted', (e) => {
    seen.set(e.commandName, (seen.get(e.commandName) ?? 0) + 1);
    if (printCommands) log(`  > ${e.commandName} (request ${e.requestId})`);
  });
  client.on('commandSucceeded', (e) => {
    if (printCommands) log(`  < ${e.commandName} ok in ${e.durationMS.toFixed(2)} ms`);
  });

  try {
    const orders = client.db('shop').collection<Order>('orders');
    await orders.drop().catch(() => false); // a rerun against MONGODB_URI starts clean

    log('insertOne:');
    const one = await orders.insertOne({ sku: 'a1', qty: 2 });
    log(`inserted _id ${String(one.insertedId)}`);

    log('insertMany:');
    const many = await orders.insertMany([
      { sku: 'b2', qty: 5 },
      { sku: 'c3', qty: 1 },
      { sku: 'a1', qty: 7 },
    ]);
    log(`inserted ${many.insertedCount} documents`);

    log('findOne:');
    const found = await orders.findOne({ sku: 'b2' });
    log(`found ${found ? `${found.sku} x${found.qty}` : 'nothing'}`);

    log('updateOne:');
    const updated = await orders.updateOne({ sku: 'c3' }, { $set: { status: 'shipped' }, $inc: { qty: 1 } });
    log(`matched ${updated.matchedCount}, modified ${updated.modifiedCount}`);

    log('deleteOne:');
    const deleted = await orders.deleteOne({ sku: 'b2' });
    log(`deleted ${deleted.deletedCount}`);

    log('find with sort and limit:');
    for await (const o of orders.find({ qty: { $gt: 1 } }, { sort: { qty: -1 }, limit: 10 })) log(`  ${o.sku} x${o.qty}`);

    log('aggregate ($group by sku):');
    const totals = await orders.aggregate([{ $group: { _id: '$sku', total: { $sum: '$qty' } } }, { $sort: { _id: 1 } }]).toArray();
    for (const t of totals) log(`  ${String(t._id)}: ${String(t.total)}`);

    log('cursor over several batches (250 documents, batchSize 50):');
    printCommands = false; // count instead of printing 250 documents' worth of traffic
    const events = client.db('shop').collection<{ n: number }>('events');
    await events.drop().catch(() => false);
    await events.insertMany(Array.from({ length: 250 }, (_, n) => ({ n })));
    const getMoresBefore = seen.get('getMore') ?? 0;
    let count = 0;
    for await (const _event of events.find({}, { batchSize: 50 })) count++;
    log(`iterated ${count} documents with ${(seen.get('getMore') ?? 0) - getMoresBefore} getMore commands`);
    printCommands = true;

    log('bulkWrite (insert, update, delete):');
    const bulk = await orders.bulkWrite([
      { insertOne: { document: { sku: 'd4', qty: 3 } } },
      { insertOne: { document: { sku: 'e5', qty: 9 } } },
      { updateMany: { filter: { sku: 'a1' }, update: { $set: { status: 'packed' } } } },
      { deleteOne: { filter: { sku: 'c3' } } },
    ]);
    log(`inserted ${bulk.insertedCount}, matched ${bulk.matchedCount}, modified ${bulk.modifiedCount}, deleted ${bulk.deletedCount}`);

    log(`remaining orders: ${await orders.countDocuments({})}`);

    const hello = await client.db('admin').command({ hello: 1 });
    if (typeof hello.setName === 'string') {
      log('change stream + transaction:');
      const changes = orders.watch();
      await changes.open(); // the stream starts now, so it sees the commit below
      const session = client.startSession();
      try {
        await session.withTransaction(async (s) => {
          await orders.insertOne({ sku: 'f6', qty: 4 }, { session: s });
          await orders.updateOne({ sku: 'e5' }, { $inc: { qty: -1 } }, { session: s });
        });
      } finally {
        await session.endSession();
      }
      for (let i = 0; i < 2; i++) {
        const change = await changes.next();
        log(`  ${change?.operationType ?? '?'} ${JSON.stringify(change?.documentKey ?? {})} (txnNumber ${String(change?.txnNumber ?? '-')})`);
      }
      await changes.close();
    } else {
      log('change stream + transaction: skipped (they need a replica set; MONGODB_URI is a standalone)');
    }
    log(`commands sent: ${[...seen].map(([name, n]) => `${name} ${n}`).join(', ')}`);
  } finally {
    await client.close();
    await server?.stop();
  }
  log('done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
