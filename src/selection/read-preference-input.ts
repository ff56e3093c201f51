// The structural read preference selection needs. The ReadPreference value class
// (src/concerns) satisfies it; selection never depends on that class itself.

export const READ_PREFERENCE_MODES = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const;
export type ReadPreferenceMode = (typeof READ_PREFERENCE_MODES)[number];

export type TagSet = Readonly<Record<string, string>>;

export interface ReadPreferenceLike {
  readonly mode: ReadPreferenceMode;
  /** Ordered tag sets; absent or empty means "any server". */
  readonly tagSets?: readonly TagSet[];
  /** Absent, null or -1 mean "no maximum". */
  readonly maxStalenessSeconds?: number | null;
}

export const PRIMARY: ReadPreferenceLike = Object.freeze({ mode: 'primary' });

export function isReadPreferenceMode(value: unknown): value is ReadPreferenceMode {
  return typeof value === 'string' && (READ_PREFERENCE_MODES as readonly string[]).includes(value);
}

/** maxStalenessSeconds when a maximum is actually requested, otherwise undefined. */
export function requestedMaxStaleness(readPreference: ReadPreferenceLike): number | undefined {
  const value = readPreference.maxStalenessSeconds;
  return value === undefined || value === null || value === -1 ? undefined : value;
}

export function describeReadPreference(readPreference: ReadPreferenceLike): string {
  const parts: string[] = [readPreference.mode];
  if (readPreference.tagSets !== undefined && readPreference.tagSets.some((set) => Object.keys(set).length > 0)) {
    parts.push(`tag sets ${JSON.stringify(readPreference.tagSets)}`);
  }
  const maxStaleness = requestedMaxStaleness(readPreference);
  if (maxStaleness !== undefined) parts.push(`maxStalenessSeconds ${maxStaleness}`);
  return parts.join(', ');
}
