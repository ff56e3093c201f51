// The wire protocol range this driver speaks, and the compatibility check of
// a server's range against it (messages worded as the SDAM spec requires).

export const DRIVER_NAME = 'mongrove';
/** MongoDB 4.2. */
export const MIN_SUPPORTED_WIRE_VERSION = 8;
/** MongoDB 8.2. */
export const MAX_SUPPORTED_WIRE_VERSION = 27;

const MONGODB_VERSION_BY_WIRE: Readonly<Record<number, string>> = {
  6: '3.6',
  7: '4.0',
  8: '4.2',
  9: '4.4',
  13: '5.0',
  17: '6.0',
  21: '7.0',
  25: '8.0',
};

export interface WireRange {
  readonly address: string;
  readonly minWireVersion: number | null;
  readonly maxWireVersion: number | null;
}

/** The spec's compatibility error for one server, or null when its range overlaps ours. */
export function wireCompatibilityError(server: WireRange): string | null {
  const min = server.minWireVersion ?? 0;
  const max = server.maxWireVersion ?? 0;
  if (min > MAX_SUPPORTED_WIRE_VERSION) {
    return `Server at ${server.address} requires wire version ${min}, but this version of ${DRIVER_NAME} only supports up to ${MAX_SUPPORTED_WIRE_VERSION}.`;
  }
  if (max < MIN_SUPPORTED_WIRE_VERSION) {
    const mongo = MONGODB_VERSION_BY_WIRE[MIN_SUPPORTED_WIRE_VERSION] ?? `wire ${MIN_SUPPORTED_WIRE_VERSION}`;
    return `Server at ${server.address} reports wire version ${max}, but this version of ${DRIVER_NAME} requires at least ${MIN_SUPPORTED_WIRE_VERSION} (MongoDB ${mongo}).`;
  }
  return null;
}
