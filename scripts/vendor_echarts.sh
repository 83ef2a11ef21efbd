#!/usr/bin/env bash
# Vendor Apache ECharts from its npm package (no CDN, no npm at runtime): `npm pack` the pinned
# version into a temporary directory, check the tarball against the registry's `dist.integrity`
# (sha512), and copy the minified bundle and its licence to o2o/static/vendor/echarts/.
# Run again after changing VERSION; commit what it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${ECHARTS_VERSION:-5.6.0}
DEST=o2o/static/vendor/echarts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expected=$(npm view "echarts@$VERSION" dist.integrity)
tarball=$(cd "$work" && npm pack --silent "echarts@$VERSION")
actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
if [[ "$actual" != "$expected" ]]; then
    echo "echarts@$VERSION: integrity mismatch (registry $expected, tarball $actual)" >&2
    exit 1
fi
tar -xzf "$work/$tarball" -C "$work" package/dist/echarts.min.js package/LICENSE
mkdir -p "$DEST"
cp "$work/package/dist/echarts.min.js" "$work/package/LICENSE" "$DEST/"
echo "$VERSION $expected" >"$DEST/VERSION"
echo "vendored echarts@$VERSION into $DEST ($expected)"
