// Unit and property checks for the geometry helpers and the text tokenizer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_METERS, intersects, pointInPolygon, sphericalDistance } from '../../../src/server/query/geo/geo-math.js';
import type { Point } from '../../../src/server/query/geo/geometry.js';
import { parseSearch } from '../../../src/server/query/text/text-search.js';
import { terms } from '../../../src/server/query/text/tokenize.js';

const lng = fc.double({ min: -180, max: 180, noNaN: true });
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const point = fc.tuple(lng, lat) as fc.Arbitrary<Point>;

describe('geometry helpers', () => {
  it('a point is in an axis-aligned rectangle exactly when its coordinates are in range', () => {
    fc.assert(fc.property(point, fc.tuple(lng, lng), fc.tuple(lat, lat), (p, [x1, x2], [y1, y2]) => {
      const [minX, maxX, minY, maxY] = [Math.min(x1, x2), Math.max(x1, x2), Math.min(y1, y2), Math.max(y1, y2)];
      fc.pre(maxX - minX > 1e-6 && maxY - minY > 1e-6);
      const ring: Point[] = [[minX, minY], [maxX, minY], [maxX, maxY], [minX, maxY], [minX, minY]];
      const inRange = p[0] >= minX && p[0] <= maxX && p[1] >= minY && p[1] <= maxY;
      expect(pointInPolygon(p, [ring])).toBe(inRange);
    }));
  });

  it('great-circle distance is symmetric, non-negative and obeys the triangle inequality', () => {
    fc.assert(fc.property(point, point, point, (a, b, c) => {
      const ab = sphericalDistance(a, b);
      expect(ab).toBeGreaterThanOrEqual(0);
      expect(Math.abs(ab - sphericalDistance(b, a))).toBeLessThan(1e-9);
      expect(ab).toBeLessThanOrEqual(sphericalDistance(a, c) + sphericalDistance(c, b) + 1e-9);
    }));
  });

  it('one degree of latitude is about 111 km', () => {
    expect((sphericalDistance([0, 0], [0, 1]) * EARTH_RADIUS_METERS) / 1000).toBeCloseTo(111.3, 0);
  });

  it('crossing segments intersect, parallel ones do not', () => {
    const line = (a: Point, b: Point) => ({ kind: 'line' as const, points: [a, b] });
    expect(intersects(line([0, 0], [2, 2]), line([0, 2], [2, 0]))).toBe(true);
    expect(intersects(line([0, 0], [2, 0]), line([0, 1], [2, 1]))).toBe(false);
  });
});

describe('text tokenizer', () => {
  const english = { language: 'english', caseSensitive: false, diacriticSensitive: false };
  it('folds case and diacritics, drops stop words, stems with Porter2', () => {
    expect(terms('The Cafés are RUNNING, stopped; boxes & puppies', english)).toEqual(['cafe', 'run', 'stop', 'box', 'puppi']);
    expect(terms('The Cafés', { ...english, language: 'none' })).toEqual(['the', 'cafes']);
  });

  it('parses words, phrases and negations', () => {
    expect(parseSearch('coffee -tea "green tea" -"black tea"')).toEqual({
      positive: ['coffee', 'green tea'], negative: ['tea'], phrases: ['green tea'], negatedPhrases: ['black tea'],
    });
  });
});
