// FailPoint modes and the failCommand rules, without a network.
import { describe, expect, it } from 'vitest';
import { FailPoint, parseFailPointMode } from '../../src/server/failpoints/failpoint.js';
import { FailPointRegistry } from '../../src/server/failpoints/failpoint-registry.js';
import { failCommandAfterRun, failCommandBeforeRun, type FailCommandTarget } from '../../src/server/failpoints/fail-command.js';
import { CommandError } from '../../src/server/command-error.js';

const connection = { id: 1, appName: 'app', clientMetadata: undefined, remoteAddress: '127.0.0.1:1' };
const target = (names: string[], body: Record<string, unknown> = { [names[0]]: 'coll' }): FailCommandTarget => ({
  names,
  dbName: 'db',
  body,
  connection,
});

describe('FailPoint', () => {
  it('fires `times` times, counting only evaluations the predicate accepts', () => {
    const point = new FailPoint('p');
    point.configure(parseFailPointMode({ times: 2 }), { x: 1 });
    expect(point.evaluate(() => false)).toBeUndefined();
    expect(point.evaluate()).toEqual({ x: 1 });
    expect(point.evaluate(() => false)).toBeUndefined();
    expect(point.evaluate()).toEqual({ x: 1 });
    expect(point.evaluate()).toBeUndefined();
    expect(point.isOff).toBe(true);
  });

  it('skips the first n entries, then stays on', () => {
    const point = new FailPoint('p');
    point.configure(parseFailPointMode({ skip: 2 }), {});
    expect([point.evaluate(), point.evaluate(), point.evaluate(), point.evaluate()].map(Boolean)).toEqual([false, false, true, true]);
  });

  it('fires with activationProbability', () => {
    const draws = [0.1, 0.9, 0.4];
    const point = new FailPoint('p', () => draws.shift() ?? 1);
    point.configure(parseFailPointMode({ activationProbability: 0.5 }), {});
    expect([point.evaluate(), point.evaluate(), point.evaluate()].map(Boolean)).toEqual([true, false, true]);
  });

  it('treats { times: 0 } as off and reports the previous count on reconfigure', () => {
    const point = new FailPoint('p');
    point.configure(parseFailPointMode('alwaysOn'), {});
    point.evaluate();
    point.evaluate();
    expect(point.configure(parseFailPointMode({ times: 0 }), {})).toBe(2);
    expect(point.evaluate()).toBeUndefined();
  });

  it('rejects malformed modes with typed errors', () => {
    for (const bad of ['sometimes', 3, null, { times: -1 }, { times: 1.5 }, { activationProbability: 2 }, { times: 1, skip: 1 }, { later: 1 }]) {
      expect(() => parseFailPointMode(bad)).toThrow(CommandError);
    }
  });
});

describe('failCommand', () => {
  const configure = (data: Record<string, unknown>, mode: unknown = 'alwaysOn'): FailPointRegistry => {
    const registry = new FailPointRegistry();
    registry.configure({ configureFailPoint: 'failCommand', mode, data });
    return registry;
  };

  it('matches aliases, appName and namespace', () => {
    const registry = configure({ failCommands: ['isMaster'], errorCode: 2, appName: 'app' });
    expect(failCommandBeforeRun(registry, target(['hello', 'isMaster', 'ismaster']))?.error?.code).toBe(2);
    expect(failCommandBeforeRun(registry, target(['ping']))).toBeUndefined();
    const scoped = configure({ failCommands: ['find'], errorCode: 2, namespace: 'db.other' });
    expect(failCommandBeforeRun(scoped, target(['find']))).toBeUndefined();
    expect(failCommandBeforeRun(scoped, target(['find'], { find: 'other' }))).toBeDefined();
    const otherApp = configure({ failCommands: ['find'], errorCode: 2, appName: 'someone-else' });
    expect(failCommandBeforeRun(otherApp, target(['find']))).toBeUndefined();
  });

  it('never fails configureFailPoint', () => {
    const registry = configure({ failCommands: ['configureFailPoint'], errorCode: 2 });
    expect(failCommandBeforeRun(registry, target(['configureFailPoint']))).toBeUndefined();
  });

  it('keeps a writeConcernError failpoint for after the command, without spending `times` before it', () => {
    const registry = configure({ failCommands: ['insert'], writeConcernError: { code: 64, errmsg: 'wc' } }, { times: 1 });
    expect(failCommandBeforeRun(registry, target(['insert']))).toBeUndefined();
    expect(failCommandAfterRun(registry, target(['insert']))).toEqual({ writeConcernError: { code: 64, errmsg: 'wc' } });
    expect(failCommandAfterRun(registry, target(['insert']))).toBeUndefined();
  });

  it('describes block, close and error actions', () => {
    const registry = configure({ failCommands: ['ping'], blockConnection: true, blockTimeMS: 50, closeConnection: true });
    expect(failCommandBeforeRun(registry, target(['ping'], { ping: 1 }))).toEqual({ blockTimeMS: 50, closeConnection: true, error: undefined });
  });
});
