import { describe, expect, it } from 'vitest';
import { ReadConcern } from '../../src/concerns/read-concern.js';
import { ReadPreference, maxStalenessTooSmallReason } from '../../src/concerns/read-preference.js';
import { WriteConcern } from '../../src/concerns/write-concern.js';
import { Int32, Long } from '../../src/bson.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';

describe('WriteConcern', () => {
  it('produces the server form and reads it back', () => {
    const wc = new WriteConcern({ w: 'majority', journal: true, wtimeoutMS: 100 });
    expect(wc.toCommandDocument()).toEqual({ w: 'majority', j: true, wtimeout: 100 });
    expect(WriteConcern.fromDocument({ w: 2, j: false, wtimeout: Long.fromNumber(5) }).toCommandDocument()).toEqual({ w: 2, j: false, wtimeout: 5 });
    expect(WriteConcern.fromDocument({ w: new Int32(1).valueOf() }).w).toBe(1);
  });
  it('rejects inconsistent or out-of-range values with a message naming the field', () => {
    expect(() => new WriteConcern({ w: 0, journal: true })).toThrow(MongoInvalidArgumentError);
    expect(() => new WriteConcern({ w: 1.5 })).toThrow(/w: 1.5/);
    expect(() => new WriteConcern({ wtimeoutMS: -1 })).toThrow(/wtimeoutMS/);
  });
});

describe('ReadConcern', () => {
  it('keeps unknown levels (forward compatibility)', () => {
    expect(new ReadConcern('future').toDocument()).toEqual({ level: 'future' });
    expect(ReadConcern.serverDefault.toDocument()).toEqual({});
  });
});

describe('ReadPreference', () => {
  it('builds from strings and documents, and renders $readPreference', () => {
    const rp = ReadPreference.from({ mode: 'secondary', tags: [{ dc: 'ny' }, {}], maxStalenessSeconds: 120 });
    expect(rp.toDocument()).toEqual({ mode: 'secondary', tags: [{ dc: 'ny' }, {}], maxStalenessSeconds: 120 });
    expect(ReadPreference.from('nearest').secondaryOk).toBe(true);
    expect(ReadPreference.primary.secondaryOk).toBe(false);
    expect(new ReadPreference('secondary', { maxStalenessSeconds: -1 }).maxStalenessSeconds).toBeUndefined();
  });
  it('rejects unknown modes and primary with tags or staleness', () => {
    expect(() => ReadPreference.from('PRIMARY')).toThrow(/PRIMARY/);
    expect(() => new ReadPreference('primary', { tags: [{ a: 'b' }] })).toThrow(MongoInvalidArgumentError);
    expect(() => new ReadPreference('primary', { maxStalenessSeconds: 100 })).toThrow(MongoInvalidArgumentError);
  });
  it('checks maxStalenessSeconds against 90 s and heartbeatFrequencyMS + idle write period', () => {
    expect(maxStalenessTooSmallReason(new ReadPreference('secondary', { maxStalenessSeconds: 89 }), 10_000)).toContain('minimum 90');
    expect(maxStalenessTooSmallReason(new ReadPreference('secondary', { maxStalenessSeconds: 100 }), 100_000)).toContain('minimum 110');
    expect(maxStalenessTooSmallReason(new ReadPreference('secondary', { maxStalenessSeconds: 90 }), 10_000)).toBeUndefined();
  });
});
