// Geometry predicates and distances. SIMPLIFICATION: containment and
// intersection treat longitude/latitude as planar coordinates (edges are
// straight lines in lon/lat, not great-circle arcs), which is close for small
// shapes and wrong near the poles or antimeridian; distances between points are
// great-circle (haversine) on a sphere of mongod's radius.
import type { Geometry, Point } from './geometry.js';
import { vertices } from './geometry.js';

/** mongod's kRadiusOfEarthInMeters. */
export const EARTH_RADIUS_METERS = 6378100;

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in radians between two lon/lat points. */
export function sphericalDistance(a: Point, b: Point): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function planarDistance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function onSegment(p: Point, a: Point, b: Point): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cross) > 1e-12) return false;
  return p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
}

/** Point in a closed ring (boundary counts as inside). */
export function pointInRing(p: Point, ring: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Point;
    const b = ring[j] as Point;
    if (onSegment(p, a, b)) return true;
    if ((a[1] > p[1]) !== (b[1] > p[1]) && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

export function pointInPolygon(p: Point, rings: readonly Point[][]): boolean {
  const [outer, ...holes] = rings;
  if (!outer || !pointInRing(p, outer)) return false;
  return !holes.some((hole) => pointInRing(p, hole) && !hole.some((_, i) => i > 0 && onSegment(p, hole[i - 1] as Point, hole[i] as Point)));
}

function orientation(a: Point, b: Point, c: Point): number {
  const v = (b[1] - a[1]) * (c[0] - b[0]) - (b[0] - a[0]) * (c[1] - b[1]);
  return Math.abs(v) < 1e-12 ? 0 : v > 0 ? 1 : 2;
}

export function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(q1, p1, p2)) || (o2 === 0 && onSegment(q2, p1, p2)) || (o3 === 0 && onSegment(p1, q1, q2)) || (o4 === 0 && onSegment(p2, q1, q2));
}

function segments(g: Geometry): Array<[Point, Point]> {
  const out: Array<[Point, Point]> = [];
  const chain = (pts: readonly Point[]): void => {
    for (let i = 1; i < pts.length; i++) out.push([pts[i - 1] as Point, pts[i] as Point]);
  };
  if (g.kind === 'line') chain(g.points);
  else if (g.kind === 'polygon') g.rings.forEach(chain);
  else if (g.kind === 'multi') for (const part of g.parts) out.push(...segments(part));
  return out;
}

function polygons(g: Geometry): Point[][][] {
  if (g.kind === 'polygon') return [g.rings];
  if (g.kind === 'multi') return g.parts.flatMap(polygons);
  return [];
}

/** Whether every vertex of `g` lies in one of the region's polygons and no edge leaves it (approximately). */
export function withinPolygons(g: Geometry, region: readonly Point[][][]): boolean {
  const inside = (p: Point): boolean => region.some((rings) => pointInPolygon(p, rings));
  return vertices(g).every(inside);
}

export function intersects(a: Geometry, b: Geometry): boolean {
  const inPolys = (p: Point, g: Geometry): boolean => polygons(g).some((rings) => pointInPolygon(p, rings));
  const pointsOf = (g: Geometry): Point[] => vertices(g);
  if (pointsOf(a).some((p) => inPolys(p, b) || segments(b).some(([s, t]) => onSegment(p, s, t)))) return true;
  if (pointsOf(b).some((p) => inPolys(p, a) || segments(a).some(([s, t]) => onSegment(p, s, t)))) return true;
  const pa = pointsOf(a);
  const pb = pointsOf(b);
  if (pa.some((p) => pb.some((q) => p[0] === q[0] && p[1] === q[1]))) return true;
  const sb = segments(b);
  return segments(a).some(([p1, p2]) => sb.some(([q1, q2]) => segmentsIntersect(p1, p2, q1, q2)));
}

/** The point of segment a–b closest to p, with longitudes scaled by `xScale` (cos(latitude) on the sphere). */
function closestOnSegment(p: Point, a: Point, b: Point, xScale: number): Point {
  const dx = (b[0] - a[0]) * xScale;
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return a;
  const t = Math.max(0, Math.min(1, (((p[0] - a[0]) * xScale) * dx + (p[1] - a[1]) * dy) / len2));
  return [a[0] + (b[0] - a[0]) * t, a[1] + dy * t];
}

/**
 * Distance from a query point to a stored geometry: 0 inside one of its
 * polygons, else to the closest point of its vertices and edges. SIMPLIFICATION:
 * on the sphere the closest edge point is found in a local equirectangular
 * projection around the query point, then measured by great-circle distance.
 */
export function distanceTo(from: Point, g: Geometry, metric: (a: Point, b: Point) => number, spherical: boolean): number {
  if (polygons(g).some((rings) => pointInPolygon(from, rings))) return 0;
  const xScale = spherical ? Math.cos(rad(from[1])) : 1;
  let best = Infinity;
  for (const v of vertices(g)) best = Math.min(best, metric(from, v));
  for (const [a, b] of segments(g)) best = Math.min(best, metric(from, closestOnSegment(from, a, b, xScale)));
  return best;
}

export { polygons };
