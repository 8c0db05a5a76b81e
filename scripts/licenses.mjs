// Writes ui/licenses.json: every crate built into the app (salon-app's normal dependencies, for
// every platform it ships on), with its licence and the notice files it ships (LICENSE*,
// COPYING*, NOTICE*), identical texts stored once. The app's "about" screen shows it.
// `--check` fails when the file is not what Cargo.lock gives, so the notices never go stale.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const OUT = new URL("../ui/licenses.json", import.meta.url);
const ROOT = "salon-app";

const meta = JSON.parse(execFileSync("cargo", ["metadata", "--format-version", "1", "--locked"], {
  encoding: "utf8", maxBuffer: 256 * 1024 * 1024,
}));
const packages = new Map(meta.packages.map((p) => [p.id, p]));
const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
const root = meta.packages.find((p) => p.name === ROOT);
if (!root) throw new Error(`${ROOT} is not in the workspace`);

// Normal dependencies only: build scripts and tests are not shipped. Except a build dependency
// that compiles C sources into the app (OpenSSL on Windows and macOS, under SQLCipher): its
// notices ship, with those of the sources' own folder.
const BUILT_IN = new Map([["openssl-src", ["openssl"]]]);
const shipped = new Set();
const queue = [root.id];
while (queue.length > 0) {
  const id = queue.pop();
  if (shipped.has(id)) continue;
  shipped.add(id);
  for (const dep of nodes.get(id)?.deps ?? []) {
    if (BUILT_IN.has(packages.get(dep.pkg)?.name ?? "")) shipped.add(dep.pkg); // not its tools
    else if (dep.dep_kinds.some((k) => k.kind === null)) queue.push(dep.pkg);
  }
}

const texts = [];
const textIndex = new Map();
/** @param {string} dir */
function notices(dir) {
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort();
  return files.map((f) => {
    const text = readFileSync(join(dir, f), "utf8").replace(/\r\n?/g, "\n").trim();
    if (!textIndex.has(text)) {
      textIndex.set(text, texts.length);
      texts.push(text);
    }
    return textIndex.get(text);
  });
}

const list = [...shipped]
  .map((id) => packages.get(id))
  .filter((p) => p.source !== null) // our own crates: the app's licence, shown above the list
  .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
  .map((p) => ({
    name: p.name,
    version: p.version,
    license: p.license ?? (p.license_file ? "see notice" : "unknown"),
    repository: p.repository ?? "",
    notices: [dirname(p.manifest_path)]
      .concat((BUILT_IN.get(p.name) ?? []).map((sub) => join(dirname(p.manifest_path), sub)))
      .flatMap(notices),
  }));

const json = JSON.stringify({ packages: list, texts }, null, 1) + "\n";
if (process.argv.includes("--check")) {
  let current = "";
  try { current = readFileSync(OUT, "utf8"); } catch { /* missing: stale */ }
  if (current !== json) {
    console.error("ui/licenses.json is not what Cargo.lock gives: run `node scripts/licenses.mjs`");
    process.exit(1);
  }
  console.log(`ui/licenses.json: ${list.length} crates, ${texts.length} notice texts, current`);
} else {
  writeFileSync(OUT, json);
  console.log(`ui/licenses.json: ${list.length} crates, ${texts.length} notice texts`);
}
