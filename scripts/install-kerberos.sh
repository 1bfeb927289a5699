#!/usr/bin/env bash
# Puts the optional `kerberos` package (GSSAPI for auth 'GSSAPI') into this
# checkout's node_modules for the Kerberos tests, without touching package.json
# or the lockfile.
#
# `npm install --no-save kerberos` cannot do it here: this package declares
# kerberos as an optional peer dependency, and npm 11 resolves an optional peer
# of the root project but never writes it to node_modules. So it is built in a
# scratch prefix and copied in; at run time it needs nothing but itself.
# Building needs MIT GSSAPI headers (Debian: libkrb5-dev) and a C++ toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${KERBEROS_VERSION:-7.0.0}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
printf '{"name":"kerberos-build","private":true}\n' >"$scratch/package.json"
npm install --prefix "$scratch" --no-fund --no-audit --no-package-lock "kerberos@$version" >/dev/null
[[ -f "$scratch/node_modules/kerberos/build/Release/kerberos.node" ]] || {
  echo "kerberos@$version did not build (are libkrb5-dev and a C++ toolchain installed?)" >&2
  exit 1
}
mkdir -p node_modules
rm -rf node_modules/kerberos
cp -R "$scratch/node_modules/kerberos" node_modules/kerberos
node -e "require('./node_modules/kerberos'); console.log('kerberos ' + require('./node_modules/kerberos/package.json').version + ' installed')"
