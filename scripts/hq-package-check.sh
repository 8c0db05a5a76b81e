#!/usr/bin/env bash
# The headquarters' .deb as an NPO would use it: built from this tree (cargo-deb, release),
# installed with apt, its systemd units checked with systemd-analyze, its ExecStart run as the
# package's own user with the unit's settings file (CI has no systemd as PID 1), /readyz and a
# backup seen to work, then the package removed (the database stays). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
port=18700

deb=$(cargo deb -p salon-hq --locked --output "$target/debian/" | tail -n 1)
echo "built $deb ($(du -k "$deb" | cut -f1) KiB)"
apt-get install -y -q "$(realpath "$deb")" >/dev/null
trap 'apt-get remove -y -q salon-hq >/dev/null 2>&1 || true' EXIT

getent passwd salon-hq >/dev/null || { echo "the package made no salon-hq user" >&2; exit 1; }
[ "$(stat -c %U:%G /var/lib/salon-hq)" = salon-hq:salon-hq ] || { echo "/var/lib/salon-hq is not the server's" >&2; exit 1; }
[ "$(stat -c %a /etc/salon-hq/salon-hq.env)" = 640 ] || { echo "the settings file is readable by others" >&2; exit 1; }
systemd-analyze verify /lib/systemd/system/salon-hq.service \
  /lib/systemd/system/salon-hq-backup.service /lib/systemd/system/salon-hq-backup.timer
echo "systemd-analyze verify: the three units are well formed"

# The unit's ExecStart, as its user, with its settings (another port, so nothing collides).
log=$(mktemp)
env -i PATH=/usr/bin:/bin bash -c "set -a; . /etc/salon-hq/salon-hq.env; SALON_HQ_ADDR=127.0.0.1:$port; \
  exec /usr/sbin/runuser -u salon-hq -- /usr/bin/salon-hq serve" >"$log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
ready=$(curl -fsS "http://127.0.0.1:$port/readyz") || { echo "the server did not answer" >&2; cat "$log" >&2; exit 1; }
echo "/readyz: $ready"
case "$ready" in *'"ready":true'*) ;; *) echo "not ready" >&2; cat "$log" >&2; exit 1 ;; esac
runuser -u salon-hq -- env SALON_HQ_DB=/var/lib/salon-hq/hq.db \
  /usr/bin/salon-hq backup --to /var/lib/salon-hq/check-backup.db
kill -TERM "$server"
wait "$server" || true
grep -q "salon-hq listening on http://127.0.0.1:$port" "$log" || { cat "$log" >&2; exit 1; }
rm -f "$log" /var/lib/salon-hq/check-backup.db

apt-get remove -y -q salon-hq >/dev/null
trap - EXIT
[ ! -e /usr/bin/salon-hq ] || { echo "salon-hq is still installed" >&2; exit 1; }
[ -f /var/lib/salon-hq/hq.db ] || { echo "removing the package took the database" >&2; exit 1; }
echo "removed; the database stays in /var/lib/salon-hq"
