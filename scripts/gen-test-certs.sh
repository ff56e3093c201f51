#!/usr/bin/env bash
# Regenerates the TEST-ONLY TLS material under test/fixtures/tls/: a CA, a server
# certificate for localhost / 127.0.0.1 / ::1, a client certificate (for MONGODB-X509),
# and a second, unrelated CA (for "wrong CA" tests). Keys are unencrypted and
# committed on purpose: they protect nothing. Validity is ~100 years so the
# fixtures never expire under the test suite.
# Usage: scripts/gen-test-certs.sh [output-dir]   (default test/fixtures/tls)
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/tls}"
days=36500
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

new_ca() { # name subject
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
    -subj "$2" -keyout "$work/$1.key" -out "$out/$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

new_leaf() { # name subject extensions-file
  openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "$2" \
    -keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
  openssl x509 -req -sha256 -days "$days" -in "$work/$1.csr" \
    -CA "$out/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -CAserial "$work/ca.srl" \
    -extfile "$3" -out "$work/$1.crt" 2>/dev/null
  # One file with certificate and key, as mongod's --tlsCertificateKeyFile and the
  # driver's tlsCertificateKeyFile take them.
  cat "$work/$1.crt" "$work/$1.key" > "$out/$1.pem"
}

new_ca ca "/C=US/O=mongrove/OU=test-only/CN=mongrove test CA"
new_ca other-ca "/C=US/O=mongrove/OU=test-only/CN=mongrove unrelated test CA"

cat > "$work/server.ext" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
cat > "$work/client.ext" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EXT

new_leaf server "/C=US/O=mongrove/OU=test-servers/CN=localhost" "$work/server.ext"
new_leaf client "/C=US/ST=New York/L=New York City/O=mongrove/OU=test-clients/CN=client" "$work/client.ext"

# The client's subject as mongod prints it (RFC 2253): the X.509 user name.
openssl x509 -in "$out/client.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//' > "$out/client-subject.txt"
echo "wrote $out: ca.pem other-ca.pem server.pem client.pem client-subject.txt"
