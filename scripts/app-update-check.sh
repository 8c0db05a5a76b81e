#!/usr/bin/env bash
# The app updating itself as on a supporter's laptop (docs/updates.md), end to end:
#  1. an updater key pair made for the test (the NPO's stand-in) and another one;
#  2. this tree built as a .deb with the test's public key, and a copy of it with the version
#     raised (the release steps in README), each through scripts/app-package.sh;
#  3. the new .deb signed for its version with the test's key; the old one signed for its own
#     version and with none, and the new one with the other key (what a hostile headquarters
#     would offer);
#  4. headquarters (the salon-hq binary) over HTTPS on 127.0.0.1 with a certificate from an
#     authority the test makes and adds to the system's trust store, offering the new version;
#  5. a user who is not an administrator, allowed to install by a polkit rule, with the system
#     bus and polkitd started here (these machines do not run systemd as init);
#  6. the old .deb installed, and tests/tests/app_update.rs run against it under Xvfb;
# then everything it added is removed again. Needs root (or sudo) and the debug profile's
# build (CI's other tests made it).
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "app update: $*" >&2; exit 1; }
profile="${PROFILE:-debug}"
target="${CARGO_TARGET_DIR:-target}"
user=salon-updater
work=$(mktemp -d /var/tmp/salon-update.XXXXXX)
started=()

cleanup() {
  set +e
  for pid in "${started[@]}"; do as_root kill "$pid" 2>/dev/null; done
  as_root apt-get remove -y -q career-salon >/dev/null 2>&1
  as_root rm -f /etc/polkit-1/rules.d/49-salon-update-test.rules
  if [ -f /usr/local/share/ca-certificates/salon-update-test.crt ]; then
    as_root rm -f /usr/local/share/ca-certificates/salon-update-test.crt
    as_root update-ca-certificates --fresh >/dev/null 2>&1
  fi
  id "$user" >/dev/null 2>&1 && as_root userdel -r "$user" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
next=$(node -p '(([a, b, c]) => `${a}.${b}.${Number(c) + 1}`)(process.argv[1].split("."))' "$version")
tauri() { npx --no-install tauri "$@"; }

# 1. Keys.
tauri signer generate --ci -p "" -w "$work/npo.key" >/dev/null
tauri signer generate --ci -p "" -w "$work/other.key" >/dev/null
config=$(printf '{"plugins":{"updater":{"pubkey":"%s"}}}' "$(cat "$work/npo.key.pub")")
mkdir "$work/files"

# 2. The two builds.
old_deb=$(APP_CONFIG="$config" PROFILE="$profile" bash scripts/app-package.sh | tail -n 1)
cp "$old_deb" "$work/files/old.deb"
mkdir "$work/next"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/next"
ln -s "$PWD/node_modules" "$work/next/node_modules"
sed -i "0,/^version = \"$version\"/s//version = \"$next\"/" "$work/next/Cargo.toml"
for f in src-tauri/tauri.conf.json package.json; do
  sed -i "0,/\"version\": \"$version\"/s//\"version\": \"$next\"/" "$work/next/$f"
done
next_deb=$(cd "$work/next" && APP_CONFIG="$config" PROFILE="$profile" bash scripts/app-package.sh | tail -n 1)
[ "$(dpkg-deb -f "$next_deb" Version)" = "$next" ] || fail "the raised build is not $next"
cp "$next_deb" "$work/files/next.deb"
rm -rf "$work/next"

# 3. Signatures, each naming the version it was made for.
sign() { tauri signer sign -f "$work/$1.key" -p "" "${@:3}" "$work/files/$2" >/dev/null; }
sign other next.deb --app-version "$next"
mv "$work/files/next.deb.sig" "$work/files/next.deb.other-key.sig"
# As releases were signed before signatures named their version.
sign npo old.deb
mv "$work/files/old.deb.sig" "$work/files/old.deb.unversioned.sig"
sign npo old.deb --app-version "$version"
sign npo next.deb --app-version "$next"

# 4. Headquarters over HTTPS, under the test's authority.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Career Salon update test CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/key.pem" \
  -out "$work/hq.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$work/ext.cnf"
openssl x509 -req -in "$work/hq.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 2 -extfile "$work/ext.cnf" -out "$work/cert.pem" 2>/dev/null
as_root cp "$work/ca.pem" /usr/local/share/ca-certificates/salon-update-test.crt
as_root update-ca-certificates >/dev/null
cargo build -p salon-hq --locked -q
hq_bin="$target/debug/salon-hq"
export SALON_HQ_DB="$work/hq/hq.db"
mkdir "$work/hq"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
hq_url="https://127.0.0.1:$port/"
"$hq_bin" admin add-campus --code C-012 --name "柏キャンパス" >/dev/null
code=$("$hq_bin" admin issue-code --supporter "山田 花子" --campus C-012 2>/dev/null | tail -n 1)
"$hq_bin" serve --addr "127.0.0.1:$port" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
  --public-url "$hq_url" 2> "$work/hq.log" &
started+=($!)
for _ in $(seq 100); do curl -sf "${hq_url}readyz" >/dev/null && break; sleep 0.2; done
curl -sf "${hq_url}readyz" >/dev/null || fail "headquarters did not start: $(cat "$work/hq.log")"
printf '%s：更新の仕組みを確かめる版です。\n' "$next" > "$work/notes.txt"
"$hq_bin" release add --version "$next" --platform linux-x86_64-deb \
  --bundle "$work/files/next.deb" --signature "$work/files/next.deb.sig" --notes "$work/notes.txt"

# 5. The supporter's account, and what lets it install.
id "$user" >/dev/null 2>&1 && as_root userdel -r "$user" 2>/dev/null
as_root useradd --create-home --shell /bin/bash "$user"
as_root mkdir -p /etc/polkit-1/rules.d
as_root tee /etc/polkit-1/rules.d/49-salon-update-test.rules >/dev/null <<EOF
// The update test's supporter may install packages without a password (pkexec dpkg -i).
polkit.addRule(function (action, subject) {
  if (action.id == "org.freedesktop.policykit.exec" && subject.user == "$user") {
    return polkit.Result.YES;
  }
});
EOF
bus_answers() {
  dbus-send --system --dest=org.freedesktop.DBus --print-reply /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1
}
if ! bus_answers; then
  # A socket left by a bus that has gone would keep a new one from starting.
  as_root rm -f /run/dbus/system_bus_socket /run/dbus/pid
  as_root mkdir -p /run/dbus
  as_root dbus-daemon --system --fork --print-pid > "$work/dbus.pid"
  started+=("$(cat "$work/dbus.pid")")
  bus_answers || fail "the system bus did not start"
fi
# Asked of the bus, so that asking starts nothing.
polkit_answers() {
  dbus-send --system --dest=org.freedesktop.DBus --print-reply /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 2>/dev/null |
    grep -q 'boolean true'
}
if ! polkit_answers; then
  as_root /usr/lib/polkit-1/polkitd --no-debug > "$work/polkitd.log" 2>&1 &
  started+=($!)
  for _ in $(seq 50); do polkit_answers && break; sleep 0.2; done
  polkit_answers || fail "polkitd did not start: $(cat "$work/polkitd.log")"
fi
# tauri-driver where the supporter can run it (root's cargo folder is closed to them).
mkdir "$work/bin"
install -m 755 "$(command -v tauri-driver)" "$work/bin/tauri-driver"

# 6. The old version installed, and the test.
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$work/files/old.deb" >/dev/null
chmod 755 "$work" "$work/files"
PATH="$work/bin:$PATH" CAREER_SALON_APP=/usr/bin/salon-app SALON_UPDATE_USER="$user" SALON_UPDATE_HQ="$hq_url" \
  SALON_UPDATE_HQ_DB="$SALON_HQ_DB" SALON_UPDATE_CODE="$code" SALON_UPDATE_FILES="$work/files" \
  SALON_UPDATE_VERSION="$next" \
  xvfb-run -a -s "-screen 0 1280x900x24 -ac" \
  cargo test -p salon-tests --features e2e --locked --test app_update
echo "updated $version → $next through headquarters, as $user"
