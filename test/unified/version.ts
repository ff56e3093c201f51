// Version strings ("<major>[.<minor>[.<patch>]]", extra components discarded):
// used for schemaVersion and for runOnRequirements' server versions.

export type Version = readonly [number, number, number];

export function parseVersion(text: string): Version {
  const parts = text.split(/[.-]/u);
  const nums = parts.slice(0, 3).map((p) => (/^\d+$/u.test(p) ? Number(p) : Number.NaN));
  while (nums.length < 3) nums.push(0);
  if (nums.some((n) => Number.isNaN(n))) throw new Error(`invalid version string "${text}"`);
  return [nums[0], nums[1], nums[2]];
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The newest schema version this runner implements (the corpus's schema-latest). */
export const SUPPORTED_SCHEMA_VERSION: Version = [1, 28, 0];

/** A file is compatible when it has the same major and is not newer than what we support. */
export function isSchemaVersionSupported(text: string): boolean {
  let v: Version;
  try {
    v = parseVersion(text);
  } catch {
    return false;
  }
  return v[0] === SUPPORTED_SCHEMA_VERSION[0] && compareVersions(v, SUPPORTED_SCHEMA_VERSION) <= 0;
}
