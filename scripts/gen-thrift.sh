#!/usr/bin/env bash
# Regenerates gen-thrift/ from thrift/*.thrift with Debian's thrift-compiler.
# `--gen js:node,es6,ts` is the output that works with the thrift 0.24 runtime
# (plain js:node calls the Q library, which that runtime no longer ships).
# With --check, generates into a scratch folder and fails if it differs from
# the committed gen-thrift/ (CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v thrift >/dev/null; then
  echo "thrift-compiler is not installed (apt-get install -y thrift-compiler)" >&2
  exit 2
fi
version=$(thrift --version)
case "$version" in
  *0.17.*) ;;
  *) echo "warning: expected thrift 0.17 (Debian bookworm), found: $version" >&2 ;;
esac
out=gen-thrift
if [[ "${1:-}" == "--check" ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
rm -f "$out"/*.js "$out"/*.d.ts
mkdir -p "$out"
thrift -r --gen js:node,es6,ts -out "$out" thrift/ImpalaService.thrift
# The output is CommonJS inside an ESM package.
printf '{\n  "type": "commonjs"\n}\n' > "$out/package.json"
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -ru gen-thrift "$out"; then
    echo "gen-thrift/ is out of date: run npm run gen and commit the result" >&2
    exit 1
  fi
  echo "gen-thrift/ is in sync with thrift/"
fi
