// The runner's MONGODB-OIDC client uris: $$placeholder replaced by ENVIRONMENT:test, the
// target's SCRAM credentials dropped, other placeholders refused.
import { describe, expect, it } from 'vitest';
import { buildClientUri } from './create-entities.js';

const BASE = 'mongodb://unified-runner:pwd@127.0.0.1:27017/';

function params(uri: string): Record<string, string> {
  return Object.fromEntries(new URL(uri.replace(/^mongodb:/u, 'http:')).searchParams);
}

describe('buildClientUri with MONGODB-OIDC', () => {
  it('replaces a $$placeholder authMechanismProperties with ENVIRONMENT:test and drops the credentials', () => {
    const uri = buildClientUri(BASE, { authMechanism: 'MONGODB-OIDC', authMechanismProperties: { $$placeholder: 1 } }, false);
    expect(uri.startsWith('mongodb://127.0.0.1:27017/')).toBe(true);
    expect(params(uri)).toMatchObject({ authMechanism: 'MONGODB-OIDC', authMechanismProperties: 'ENVIRONMENT:test' });
  });

  it('replaces a $$placeholder ENVIRONMENT and keeps the other properties', () => {
    const uri = buildClientUri(BASE, { authMechanism: 'MONGODB-OIDC', authMechanismProperties: { ENVIRONMENT: { $$placeholder: 1 }, TOKEN_RESOURCE: 'x' } }, false);
    expect(params(uri).authMechanismProperties).toBe('ENVIRONMENT:test,TOKEN_RESOURCE:x');
  });

  it('keeps the credentials for other mechanisms and refuses placeholders it cannot fill', () => {
    expect(buildClientUri(BASE, { appName: 'a' }, false).startsWith('mongodb://unified-runner:pwd@')).toBe(true);
    expect(() => buildClientUri(BASE, { authMechanism: 'SCRAM-SHA-256', authMechanismProperties: { $$placeholder: 1 } }, false)).toThrow(/\$\$placeholder/u);
    expect(() => buildClientUri(BASE, { appName: { $$placeholder: 1 } }, false)).toThrow(/uriOptions\.appName/u);
  });
});
