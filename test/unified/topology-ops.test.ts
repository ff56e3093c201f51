// recordTopologyDescription, assertTopologyType and waitForPrimaryChange, run by the real runner
// on hand-written unified test documents against the embedded one-member replica set (the corpus
// file using them, rediscover-quickly-after-step-down.json, needs a second member).
import { afterAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { mongroveAdapter } from './adapters/mongrove.js';
import { officialAdapter } from './adapters/official.js';
import type { DriverAdapter } from './adapter.js';
import type { EntityMap } from './entities.js';
import { loadUnifiedFile } from './loader.js';
import { runUnifiedTest } from './runner.js';
import { TargetPool } from './target-pool.js';

function unifiedDocument(operations: Document[]): Document {
  return {
    description: 'topology operations',
    schemaVersion: '1.4',
    createEntities: [{ client: { id: 'client0' } }],
    tests: [{ description: 'topology operations test', operations }],
  };
}

const record = { name: 'recordTopologyDescription', object: 'testRunner', arguments: { client: 'client0', id: 'td' } };
const assertType = (topologyType: string): Document => ({ name: 'assertTopologyType', object: 'testRunner', arguments: { topologyDescription: 'td', topologyType } });

for (const adapter of [mongroveAdapter, officialAdapter] as DriverAdapter[]) {
  describe(`topology operations (${adapter.name || 'mongrove'})`, () => {
    const pool = new TargetPool({ adapter, topologies: ['replicaset'] });
    afterAll(() => pool.stop(), 20_000);

    async function run(operations: Document[]): Promise<Map<string, unknown>> {
      const file = loadUnifiedFile(unifiedDocument(operations), 'topology-ops.json');
      const values = new Map<string, unknown>();
      const inspect = (entities: EntityMap): void => {
        for (const [name, entity] of entities.entries()) if (entity.kind === 'value') values.set(name, entity.value);
      };
      await runUnifiedTest(await pool.envFor('replicaset'), file, file.tests[0], { inspect });
      return values;
    }

    it('records the client\'s description and asserts its type', async () => {
      const values = await run([record, assertType('ReplicaSetWithPrimary')]);
      expect(values.get('td')).toMatchObject({ type: 'ReplicaSetWithPrimary', servers: [expect.objectContaining({ type: 'RSPrimary' })] });
    });

    it('fails assertTopologyType on another type', async () => {
      await expect(run([record, assertType('Single')])).rejects.toThrow(/expected topology type Single but the recorded description is ReplicaSetWithPrimary/u);
    });

    it('waitForPrimaryChange times out while the primary stays the same', async () => {
      const wait = { name: 'waitForPrimaryChange', object: 'testRunner', arguments: { client: 'client0', priorTopologyDescription: 'td', timeoutMS: 200 } };
      await expect(run([record, wait])).rejects.toThrow(/waitForPrimaryChange: the primary is still .* after 200 ms/u);
    });
  });
}
