#!/usr/bin/env bash
# Builds the app's .deb with the Tauri CLI (npm's @tauri-apps/cli, pinned in package.json) and
# prints its path on the last line: $CARGO_TARGET_DIR/<profile>/bundle/deb/career-salon_<version>_amd64.deb
# (the CLI names it after the product, "Career Salon_…"; the name without a space is easier to
# give apt). PROFILE=debug builds the debug profile, which CI's other tests have built already.
# APP_CONFIG (JSON) is merged into tauri.conf.json for this build (the update test's key).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
profile="${PROFILE:-release}"

bundle_dir="$target/$profile/bundle/deb"
rm -rf "$bundle_dir"
args=(build --bundles deb --ci)
[ "$profile" = debug ] && args+=(--debug)
[ -n "${APP_CONFIG:-}" ] && args+=(--config "$APP_CONFIG")
npx --no-install tauri "${args[@]}" >&2
built=$(find "$bundle_dir" -maxdepth 1 -name '*.deb' | head -n 1)
[ -n "$built" ] || { echo "the Tauri CLI made no .deb in $bundle_dir" >&2; exit 1; }
field() { dpkg-deb -f "$built" "$1"; }
deb="$bundle_dir/$(field Package)_$(field Version)_$(field Architecture).deb"
mv "$built" "$deb"
echo "$deb"
