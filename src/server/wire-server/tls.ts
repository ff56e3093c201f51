// TLS for the embedded server's listeners: the options MemoryServer accepts,
// their validation, and the verified subject of a client's certificate (the
// MONGODB-X509 user name).
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type TlsOptions } from 'node:tls';
import { MongoInvalidArgumentError } from '../../errors.js';
import { rfc2253Subject } from '../auth/x509-subject.js';

export interface ServerTlsOptions {
  /** The server's private key (PEM). */
  key: string | Buffer;
  /** The server's certificate chain (PEM). */
  cert: string | Buffer;
  /**
   * CA certificate(s) (PEM) client certificates are verified against. With it the server asks
   * every client for a certificate; a verified one lets the connection use MONGODB-X509.
   * Without it no client certificate is requested.
   */
  ca?: string | Buffer;
  /**
   * Refuse TLS connections that present no certificate or one the CA did not sign (mongod's
   * default with --tlsCAFile). Default false: such connections are accepted but cannot use
   * MONGODB-X509 (mongod's --tlsAllowConnectionsWithoutCertificates, loosened to invalid ones).
   */
  requireClientCertificate?: boolean;
}

function isPem(value: unknown): value is string | Buffer {
  return (typeof value === 'string' || Buffer.isBuffer(value)) && value.toString().includes('-----BEGIN ');
}

/** Checks the shape, then lets OpenSSL load the material so a bad key or certificate fails at start, by name. */
export function validateServerTls(options: unknown): ServerTlsOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MongoInvalidArgumentError('MemoryServer tls must be an object { key, cert, ca?, requireClientCertificate? }');
  }
  const { key, cert, ca, requireClientCertificate } = options as Record<string, unknown>;
  if (!isPem(key)) throw new MongoInvalidArgumentError('MemoryServer tls.key must be a PEM private key (string or Buffer)');
  if (!isPem(cert)) throw new MongoInvalidArgumentError('MemoryServer tls.cert must be a PEM certificate (string or Buffer)');
  if (ca !== undefined && !isPem(ca)) throw new MongoInvalidArgumentError('MemoryServer tls.ca must be PEM CA certificate(s) (string or Buffer)');
  if (requireClientCertificate !== undefined && typeof requireClientCertificate !== 'boolean') {
    throw new MongoInvalidArgumentError('MemoryServer tls.requireClientCertificate must be a boolean');
  }
  if (requireClientCertificate === true && ca === undefined) {
    throw new MongoInvalidArgumentError('MemoryServer tls.requireClientCertificate needs tls.ca to verify client certificates against');
  }
  const validated: ServerTlsOptions = { key, cert };
  if (ca !== undefined) validated.ca = ca;
  if (requireClientCertificate !== undefined) validated.requireClientCertificate = requireClientCertificate;
  try {
    createSecureContext(nodeTlsOptions(validated));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MongoInvalidArgumentError(`MemoryServer tls key/cert/ca cannot be used: ${reason}`, { cause: error });
  }
  return validated;
}

/** node:tls server options for validated TLS settings. */
export function nodeTlsOptions(options: ServerTlsOptions): TlsOptions {
  const requestCert = options.ca !== undefined;
  return {
    key: options.key,
    cert: options.cert,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    requestCert,
    rejectUnauthorized: requestCert && options.requireClientCertificate === true,
    minVersion: 'TLSv1.2',
  };
}

/** The RFC 2253 subject of the client's certificate, when it sent one the CA verified; else undefined. */
export function verifiedClientSubject(socket: Socket): string | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const certificate = socket.getPeerX509Certificate();
  return certificate === undefined ? undefined : rfc2253Subject(certificate.subject);
}
