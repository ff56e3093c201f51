#!/usr/bin/env bash
# From a clean install of the packed package: `npx mongrove-server` starts, and
# mongosh connects and does CRUD against it. Run by .ci/run after the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

tarball="$(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "./$tarball" >/dev/null

npx --no-install mongrove-server --port 0 > server.out 2> server.err &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s server.out ] && break
  sleep 0.1
done
uri="$(head -n 1 server.out)"
case "$uri" in
  mongodb://*) echo "mongrove-server (installed package) is serving at $uri" ;;
  *) echo "mongrove-server did not print its URI; stderr:"; cat server.err; exit 1 ;;
esac

result="$("$root/node_modules/.bin/mongosh" "$uri" --quiet --norc --eval '
  const c = db.getSiblingDB("smoke").items;
  c.insertMany([{ _id: 1, qty: 5 }, { _id: 2, qty: 7 }]);
  c.updateOne({ _id: 1 }, { $inc: { qty: 1 } });
  c.deleteOne({ _id: 2 });
  print(JSON.stringify(c.find().toArray()));
')"
expected='[{"_id":1,"qty":6}]'
if [ "$result" != "$expected" ]; then
  echo "mongosh CRUD against the installed server: expected $expected, got $result"
  exit 1
fi
echo "mongosh CRUD against the installed server: ok ($result)"
