import { describe, expect, it } from 'vitest';
import { calculateObjectSize, Int32 } from '../../src/bson.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import {
  buildClientMetadata,
  driverVersion,
  environmentDocument,
  MAX_METADATA_BYTES,
  type RuntimeFacts,
} from '../../src/connection/handshake/metadata.js';
import { buildHandshakeCommand } from '../../src/connection/handshake/handshake.js';

function facts(env: Record<string, string> = {}, extra: Partial<RuntimeFacts> = {}): RuntimeFacts {
  return {
    env,
    osType: 'Linux',
    osName: 'linux',
    architecture: 'x64',
    osVersion: '6.1.0',
    nodeVersion: 'v20.19.0',
    endianness: 'LE',
    dockerEnvPresent: false,
    ...extra,
  };
}

describe('client metadata', () => {
  it('has driver, os, platform and application', () => {
    const doc = buildClientMetadata({ appName: 'myApp' }, facts());
    expect(doc).toEqual({
      application: { name: 'myApp' },
      driver: { name: 'mongrove', version: driverVersion() },
      os: { type: 'Linux', name: 'linux', architecture: 'x64', version: '6.1.0' },
      platform: 'Node.js v20.19.0, LE',
    });
    expect(driverVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an appName over 128 bytes, counting UTF-8 bytes', () => {
    expect(() => buildClientMetadata({ appName: 'é'.repeat(65) }, facts())).toThrow(MongoInvalidArgumentError);
    expect(() => buildClientMetadata({ appName: 'a'.repeat(128) }, facts())).not.toThrow();
  });

  it('appends driverInfo with | and ignores duplicates', () => {
    const doc = buildClientMetadata(
      { driverInfo: [{ name: 'library', version: '1.2', platform: 'Library Platform' }, { name: 'library', version: '1.2', platform: 'Library Platform' }, { name: 'framework' }] },
      facts(),
    );
    expect(doc.driver).toEqual({ name: 'mongrove|library|framework', version: `${driverVersion()}|1.2` });
    expect(doc.platform).toBe('Node.js v20.19.0, LE|Library Platform');
    expect(() => buildClientMetadata({ driverInfo: [{ name: 'a|b' }] }, facts())).toThrow(/must not contain '\|'/);
  });

  describe('FaaS and container detection (handshake prose test 1)', () => {
    it('valid AWS', () => {
      const env = environmentDocument(facts({ AWS_EXECUTION_ENV: 'AWS_Lambda_java8', AWS_REGION: 'us-east-2', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' }));
      expect(env).toEqual({ name: 'aws.lambda', region: 'us-east-2', memory_mb: new Int32(1024) });
    });
    it('valid Azure', () => {
      expect(environmentDocument(facts({ FUNCTIONS_WORKER_RUNTIME: 'node' }))).toEqual({ name: 'azure.func' });
    });
    it('valid GCP', () => {
      const env = environmentDocument(
        facts({ K_SERVICE: 'servicename', FUNCTION_MEMORY_MB: '1024', FUNCTION_TIMEOUT_SEC: '60', FUNCTION_REGION: 'us-central1' }),
      );
      expect(env).toEqual({ name: 'gcp.func', memory_mb: new Int32(1024), timeout_sec: new Int32(60), region: 'us-central1' });
    });
    it('valid Vercel (and Vercel wins over AWS)', () => {
      expect(environmentDocument(facts({ VERCEL: '1', VERCEL_REGION: 'cdg1' }))).toEqual({ name: 'vercel', region: 'cdg1' });
      expect(environmentDocument(facts({ VERCEL: '1', AWS_LAMBDA_RUNTIME_API: 'x' }))?.name).toBe('vercel');
    });
    it('multiple providers: no env', () => {
      expect(environmentDocument(facts({ AWS_EXECUTION_ENV: 'AWS_Lambda_java8', FUNCTIONS_WORKER_RUNTIME: 'node' }))).toBeUndefined();
    });
    it('long string: truncated to env.name only', () => {
      const doc = buildClientMetadata({}, facts({ AWS_EXECUTION_ENV: 'AWS_Lambda_java8', AWS_REGION: 'a'.repeat(512) }));
      expect(doc.env).toEqual({ name: 'aws.lambda' });
      expect(doc.os).toEqual({ type: 'Linux', name: 'linux', architecture: 'x64', version: '6.1.0' });
      expect(calculateObjectSize(doc)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    });
    it('wrong types are omitted without error', () => {
      expect(environmentDocument(facts({ AWS_EXECUTION_ENV: 'AWS_Lambda_java8', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 'big' }))).toEqual({ name: 'aws.lambda' });
    });
    it('AWS_EXECUTION_ENV must start with AWS_Lambda_', () => {
      expect(environmentDocument(facts({ AWS_EXECUTION_ENV: 'EC2' }))).toBeUndefined();
    });
    it('container and FaaS together', () => {
      const env = environmentDocument(
        facts({ AWS_EXECUTION_ENV: 'AWS_Lambda_java8', AWS_REGION: 'us-east-2', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024', KUBERNETES_SERVICE_HOST: '1' }, { dockerEnvPresent: true }),
      );
      expect(env).toEqual({ name: 'aws.lambda', region: 'us-east-2', memory_mb: new Int32(1024), container: { runtime: 'docker', orchestrator: 'kubernetes' } });
    });
  });

  it('truncates in the spec order: env fields, os fields, env, then platform', () => {
    const big = facts({ VERCEL: '1', VERCEL_REGION: 'r'.repeat(100) }, { osName: 'n'.repeat(150), osVersion: 'v'.repeat(100) });
    const step2 = buildClientMetadata({ appName: 'a'.repeat(100) }, big);
    expect(step2.env).toEqual({ name: 'vercel' });
    expect(step2.os).toEqual({ type: 'Linux' });
    const huge = buildClientMetadata(
      { appName: 'a'.repeat(128), driverInfo: [{ name: 'w'.repeat(100), version: 'x'.repeat(60), platform: 'p'.repeat(300) }] },
      big,
    );
    expect(huge.env).toBeUndefined();
    expect(typeof huge.platform).toBe('string');
    expect((huge.platform as string).startsWith('Node.js v20.19.0, LE|ppp')).toBe(true);
    expect(calculateObjectSize(huge)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    expect(huge.application).toEqual({ name: 'a'.repeat(128) });
  });
});

describe('handshake command', () => {
  it('is legacy hello with helloOk by default', () => {
    const cmd = buildHandshakeCommand({ compressors: ['zlib'], metadata: { driver: { name: 'x', version: '1' } } });
    expect(Object.keys(cmd)[0]).toBe('isMaster');
    expect(cmd).toMatchObject({ isMaster: 1, helloOk: true, backpressure: '2', compression: ['zlib'] });
    expect(cmd.loadBalanced).toBeUndefined();
  });
  it('is hello with a Stable API version, carrying the api fields', () => {
    const cmd = buildHandshakeCommand({ serverApi: { version: '1', strict: true }, metadata: {} });
    expect(Object.keys(cmd)[0]).toBe('hello');
    expect(cmd).toMatchObject({ hello: 1, apiVersion: '1', apiStrict: true });
    expect(cmd.helloOk).toBeUndefined();
  });
  it('is hello with loadBalanced: true in load-balanced mode', () => {
    const cmd = buildHandshakeCommand({ loadBalanced: true, metadata: {} });
    expect(cmd).toMatchObject({ hello: 1, loadBalanced: true });
  });
});
