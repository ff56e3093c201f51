// mongosh, a client we did not write, against the embedded server.
import { describe, expect, it } from 'vitest';
import { mongoshEval as mongosh } from '../../support/mongosh.js';
import { useServer } from '../support/server-fixture.js';

describe('mongosh against the embedded server', () => {
  const fixture = useServer();

  it('does CRUD', { timeout: 40_000 }, async () => {
    const result = await mongosh(
      `${fixture.server.uri}shell`,
      `db.items.insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 2 }, { _id: 3, n: 3 }]);
       db.items.updateOne({ _id: 2 }, { $set: { n: 20 } });
       db.items.deleteOne({ _id: 3 });
       print(EJSON.stringify({ docs: db.items.find().sort({ _id: 1 }).toArray(), count: db.items.countDocuments() }));`,
    );
    expect(result).toEqual({ docs: [{ _id: 1, n: 1 }, { _id: 2, n: 20 }], count: 2 });
  });

  it('runs a registered custom command', { timeout: 40_000 }, async () => {
    fixture.server.registerCommand(
      { name: 'greet', run: (command) => ({ greeting: `hello, ${String(command.greet)}` }) },
      { replace: true },
    );
    const result = await mongosh(fixture.server.uri, `print(EJSON.stringify(db.runCommand({ greet: 'mongosh' })));`);
    expect(result).toEqual({ greeting: 'hello, mongosh', ok: 1 });
  });
});
