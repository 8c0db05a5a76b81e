#!/usr/bin/env bash
# Sets up a Debian 12 / Ubuntu machine for Career Salon and runs the app or the tests.
#   bash scripts/dev.sh run    install what the app needs, then start it
#   bash scripts/dev.sh test   install what the tests need, then run every check CI runs
#   bash scripts/dev.sh demo   headquarters with the seed's term in it, on http://127.0.0.1:8700
#   bash scripts/dev.sh package  the app's .deb for supporters' Linux laptops (release build)
set -euo pipefail
cd "$(dirname "$0")/.."

# Builds live outside the checkout so a fresh clone (and CI) reuses earlier work.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/career-salon-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"

BUILD_PACKAGES=(build-essential pkg-config curl wget file libssl-dev libwebkit2gtk-4.1-dev
  libxdo-dev libayatana-appindicator3-dev librsvg2-dev fonts-noto-cjk fonts-noto-color-emoji)
TEST_PACKAGES=(webkit2gtk-driver xvfb xauth chromium chromium-driver poppler-utils openssh-server sshfs
  systemd adduser pebble desktop-file-utils dbus-daemon polkitd pkexec openssl ca-certificates)
TAURI_DRIVER_VERSION=2.1.0
CARGO_DEB_VERSION=3.8.0

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    step "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

install_rust() {
  if ! command -v cargo >/dev/null; then
    step "installing Rust (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  fi
}

install_cargo_audit() {
  if ! cargo audit --version >/dev/null 2>&1; then
    step "installing cargo-audit"
    cargo install cargo-audit --locked
  fi
}

install_cargo_deb() {
  if ! cargo deb --version >/dev/null 2>&1; then
    step "installing cargo-deb"
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked
  fi
}

install_tauri_driver() {
  if ! tauri-driver --help >/dev/null 2>&1; then
    step "installing tauri-driver $TAURI_DRIVER_VERSION"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
  fi
}

run_app() {
  install_packages "${BUILD_PACKAGES[@]}"
  install_rust
  step "building and starting Career Salon"
  cargo run -p salon-app
}

install_npm_packages() {
  # Some images ship Node.js from elsewhere; Debian's npm would conflict with it.
  command -v npm >/dev/null || install_packages nodejs npm
  step "npm ci (TypeScript for checking the UI, the Tauri CLI for packaging)"
  npm ci --no-audit --no-fund --loglevel=error
}

run_package() {
  install_packages "${BUILD_PACKAGES[@]}"
  install_rust
  install_npm_packages
  step "building the app's .deb (release)"
  local deb
  deb=$(bash scripts/app-package.sh | tail -n 1)
  step "built $deb ($(du -h "$deb" | cut -f1)); install it with: sudo apt install $deb"
}

run_demo() {
  install_packages build-essential pkg-config curl libssl-dev
  install_rust
  step "building the demo term and serving headquarters (Ctrl-C stops it)"
  rm -rf "${DEMO_DIR:-demo-data}"
  cargo run --release --locked -p salon-demo -- --dir "${DEMO_DIR:-demo-data}"
}

run_tests() {
  install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  install_rust
  install_tauri_driver
  install_cargo_audit
  install_cargo_deb
  install_npm_packages

  step "format"
  cargo fmt --all --check
  step "clippy (warnings are errors)"
  cargo clippy --workspace --all-targets --features salon-tests/e2e --locked -- -D warnings
  # The advisory database beside the project works offline; vulnerabilities fail the run,
  # while "unmaintained" notices (Tauri's GTK3 stack on Linux) are printed as warnings.
  if [ -d ../shared/advisory-db ]; then
    step "dependency advisories (cargo audit, offline database)"
    cargo audit --db ../shared/advisory-db --no-fetch --quiet
  fi
  step "UI types (tsc --checkJs) and catalogues (ja/en complete)"
  npm run --silent check:ui
  npm run --silent check:i18n
  step "licence notices shown in the app match Cargo.lock (ui/licenses.json)"
  node scripts/licenses.mjs --check
  step "unit and integration tests"
  cargo test --workspace --locked
  step "headquarters package (.deb): build, install, check its units, run it as its user, remove"
  as_root env "PATH=$PATH" "CARGO_TARGET_DIR=$CARGO_TARGET_DIR" bash scripts/hq-package-check.sh
  step "headquarters dashboard and admin web in headless Chromium"
  cargo test -p salon-tests --features e2e --locked --test hq_dashboard --test hq_history --test hq_admin --test hq_survey --test hq_demo \
    --test hq_screens
  step "end-to-end tests in the real app window (Xvfb)"
  cargo build -p salon-app --locked
  xvfb-run -a -s "-screen 0 1280x900x24" \
    cargo test -p salon-tests --features e2e --locked \
      --test e2e --test e2e_care --test e2e_reports --test e2e_search --test e2e_corrections --test e2e_first_run \
      --test e2e_accessibility --test e2e_keyboard --test e2e_handover --test e2e_handover_relay \
      -- --test-threads=1
  step "the app's package (.deb): build, install, start the installed app under Xvfb, remove"
  bash scripts/app-package-check.sh
  step "the app updating itself: two versions, headquarters over HTTPS, a supporter who is not root"
  bash scripts/app-update-check.sh
  step "screenshots in tests/screenshots/"
  ls tests/screenshots
}

# The benchmarks against their floors (BENCHMARKS.md), release builds, one table. SEARCH=1
# adds the search benchmark at 100,000 notes (several minutes more); WINDOW=1 the window's
# figures against a bare Tauri window and search in the window (Xvfb, tauri-driver).
run_benchmarks() {
  install_packages build-essential pkg-config curl libssl-dev
  install_rust
  step "building the benchmarks (release)"
  cargo build --release --locked -p salon-store --example save_bench
  cargo build --release --locked -p salon-hq --example ingest_floor --example reads_under_writes \
    --example dashboard_at_scale
  cargo build --release --locked -p salon-tests --example sync_year
  step "benchmarks on $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo "| figure | measured | floor | ratio | goal | |"
  echo "|---|---|---|---|---|---|"
  cargo run -q --release --locked -p salon-store --example save_bench
  cargo run -q --release --locked -p salon-tests --example sync_year
  cargo run -q --release --locked -p salon-hq --example ingest_floor
  step "dashboard reads beside uploads"
  cargo run -q --release --locked -p salon-hq --example reads_under_writes
  step "the dashboard at 2,000 campuses from 200 laptops (STRESS=1: ten revisions a day)"
  cargo run -q --release --locked -p salon-hq --example dashboard_at_scale -- \
    ${STRESS:+--stress}
  step "the breakdowns' precision under noise (2,000 simulated terms each)"
  cargo run -q --release --locked -p salon-privacy --example privacy_simulation
  if [ "${SEARCH:-}" = 1 ]; then
    step "search at 100,000 notes"
    cargo run -q --release --locked -p salon-store --example search_bench
  fi
  if [ "${WINDOW:-}" = 1 ]; then
    step "the window against a bare Tauri window, and search in the window (Xvfb)"
    install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    install_tauri_driver
    local data="${WINDOW_DATA:-/dev/shm/window-data}"
    [ -f "$data/salon.db" ] ||
      SEARCH_BENCH_STUDENTS=10000 SEARCH_BENCH_FILL="$data" \
        cargo run -q --release --locked -p salon-store --example search_bench
    cargo run -q --release --locked -p salon-store --example unlock_bench -- "$data"
    cargo build --release --locked -p salon-app -p salon-bare-window
    CAREER_SALON_APP="$CARGO_TARGET_DIR/release/salon-app" SEARCH_WINDOW_DATA="$data" \
      xvfb-run -a -s "-screen 0 1280x900x24" \
      cargo test -q --locked -p salon-tests --features e2e --test window_floor --test search_window \
      -- --ignored --nocapture --test-threads=1
  fi
}

case "${1:-}" in
  run) run_app ;;
  test) run_tests ;;
  demo) run_demo ;;
  bench) run_benchmarks ;;
  package) run_package ;;
  *) echo "usage: bash scripts/dev.sh run|test|demo|bench|package" >&2; exit 2 ;;
esac
