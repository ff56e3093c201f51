// The DNS seam: SRV and TXT lookups behind an interface so tests can serve a fake zone.
import { promises as dns } from 'node:dns';

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface DnsResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  /** Each record is its list of character strings, as node:dns returns them. */
  resolveTxt(name: string): Promise<string[][]>;
}

export const nodeDnsResolver: DnsResolver = {
  resolveSrv: (name) => dns.resolveSrv(name),
  resolveTxt: (name) => dns.resolveTxt(name),
};

/** "No such name / no data": not an error for TXT, which is optional. */
export function isNoDataError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === 'ENODATA' || code === 'ENOTFOUND';
}
