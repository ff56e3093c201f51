// What to do about a TLS failure, appended to the socket error's own words
// (OpenSSL's "self-signed certificate in certificate chain" alone does not say
// which option the application should look at).

/** OpenSSL / node:tls codes meaning the server's certificate chain did not verify. */
const UNTRUSTED_CHAIN_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A hint (starting with "; ") for TLS certificate failures, or '' for any other error. */
export function tlsFailureHint(error: Error): string {
  const code = codeOf(error);
  if (code === undefined) return '';
  if (UNTRUSTED_CHAIN_CODES.has(code)) {
    return "; the server's certificate is not signed by a trusted CA: set tlsCAFile to the CA that signed it (tlsAllowInvalidCertificates=true skips the check, for testing only)";
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return "; the server's certificate is outside its validity period (tlsAllowInvalidCertificates=true skips the check, for testing only)";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "; the server's certificate does not name this host (tlsAllowInvalidHostnames=true skips the check, for testing only)";
  }
  // TLS 1.2 reports this in the handshake; under TLS 1.3 it arrives after it, on the first read.
  if (code.includes('CERTIFICATE_REQUIRED')) {
    return '; the server requires a client certificate: set tlsCertificateKeyFile';
  }
  return '';
}
