#!/usr/bin/env bash
# The app's .deb as a supporter's laptop gets it: built from this tree by the Tauri CLI,
# checked (it depends on libssl3, which SQLCipher links; its menu entry is valid and named in Japanese;
# its icons are there; every library it links is found), installed with apt, started from
# /usr/bin under Xvfb through tauri-driver (tests/tests/installed_app.rs: the setup screen,
# the encrypted store, the version), then removed. It checks the debug profile unless
# PROFILE=release: CI's other tests have built most of it. apt needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${PROFILE:-debug}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "app package: $*" >&2; exit 1; }

deb=$(PROFILE="$profile" bash scripts/app-package.sh | tail -n 1)
echo "built $deb ($(du -k "$deb" | cut -f1) KiB)"

package=$(dpkg-deb -f "$deb" Package)
depends=$(dpkg-deb -f "$deb" Depends)

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$(realpath "$deb")" >/dev/null
trap 'as_root apt-get remove -y -q "$package" >/dev/null 2>&1 || true' EXIT

binary=/usr/bin/salon-app
[ -x "$binary" ] || fail "$binary was not installed"
missing=$(ldd "$binary" | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries not found: $missing"
# SQLCipher links OpenSSL's libcrypto directly; Debian ships it in libssl3, named in Depends.
readelf -d "$binary" | grep -q 'NEEDED.*\[libcrypto\.so\.3\]' || fail "no longer links libcrypto.so.3 (drop libssl3 from Depends?)"
crypto=$(ldd "$binary" | awk '$1 == "libcrypto.so.3" { print $3 }')
owner=$(dpkg -S "$(realpath "$crypto")" | cut -d: -f1)
case ", $depends," in *", $owner,"*) ;; *) fail "$crypto comes from $owner, not in Depends: $depends" ;; esac
desktop=$(dpkg -L "$package" | grep '^/usr/share/applications/.*\.desktop$' | head -n 1)
[ -n "$desktop" ] || fail "no menu entry"
desktop-file-validate "$desktop" || fail "the menu entry is not a valid desktop entry"
grep -qx 'Name\[ja\]=キャリアサロン' "$desktop" || fail "the menu entry has no Japanese name"
grep -qx "Exec=salon-app" "$desktop" || fail "the menu entry does not start salon-app"
for size in 32x32 128x128 512x512; do
  [ -s "/usr/share/icons/hicolor/$size/apps/salon-app.png" ] || fail "no $size icon"
done
echo "installed $package: $binary, menu entry \"$(grep '^Name\[ja\]=' "$desktop" | cut -d= -f2)\", icons, Depends: $depends"

CAREER_SALON_APP="$binary" xvfb-run -a -s "-screen 0 1280x900x24" \
  cargo test -p salon-tests --features e2e --locked --test installed_app

as_root apt-get remove -y -q "$package" >/dev/null
trap - EXIT
[ ! -e "$binary" ] || fail "$binary is still there after removal"
echo "removed $package"
