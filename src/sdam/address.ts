// Server addresses are compared as strings, so every address is normalized once:
// lower-cased host (DNS names are case-insensitive) and an explicit port.

export const DEFAULT_PORT = 27017;

/** "A" → "a:27017", "[::1]" → "[::1]:27017", "Host:27018" → "host:27018". */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']');
    if (close === -1) return trimmed;
    return trimmed.length === close + 1 ? `${trimmed}:${DEFAULT_PORT}` : trimmed;
  }
  if (trimmed.endsWith('.sock')) return trimmed;
  return trimmed.includes(':') ? trimmed : `${trimmed}:${DEFAULT_PORT}`;
}
