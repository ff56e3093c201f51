// mongrove-server's TLS flags turned into MemoryServer's tls option: the files
// are read here, so a missing or unreadable one is reported by flag and path.
import { readFileSync } from 'node:fs';
import { MongoInvalidArgumentError } from '../errors.js';
import type { CliTls } from './cli-args.js';
import type { ServerTlsOptions } from './wire-server/tls.js';

function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new MongoInvalidArgumentError(`${flag} '${path}' cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export function serverTlsFromFiles(flags: CliTls | undefined): ServerTlsOptions | undefined {
  if (flags?.tlsCertificateKeyFile === undefined) return undefined;
  // One PEM file holds both the certificate and the key, as mongod's --tlsCertificateKeyFile.
  const pem = readFlagFile('--tlsCertificateKeyFile', flags.tlsCertificateKeyFile);
  const tls: ServerTlsOptions = { key: pem, cert: pem };
  if (flags.tlsCAFile !== undefined) {
    tls.ca = readFlagFile('--tlsCAFile', flags.tlsCAFile);
    tls.requireClientCertificate = flags.tlsAllowConnectionsWithoutCertificates !== true;
  }
  return tls;
}
