// A certificate subject in RFC 2253 form, as mongod names X.509 users
// ("CN=client,OU=clients,O=example,C=US": most specific RDN first).
//
// node:crypto's X509Certificate.subject lists the RDNs in certificate order, one
// per line, with values already escaped by OpenSSL's RFC 2253 rules and the
// attributes of a multi-valued RDN joined by " + ". The RFC 2253 form (as
// `openssl x509 -nameopt RFC2253` prints it) reverses the attribute order
// throughout, and joins with ',' between RDNs and a bare '+' inside one.
export function rfc2253Subject(nodeSubject: string): string {
  return nodeSubject
    .split('\n')
    .filter((rdn) => rdn.length > 0)
    .reverse()
    .map((rdn) => rdn.split(/(?<!\\) \+ /).reverse().join('+'))
    .join(',');
}
