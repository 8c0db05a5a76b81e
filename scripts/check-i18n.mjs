// Checks the UI catalogues: Japanese and English hold the same keys (main file plus parts),
// and every literal key the UI asks for (t("a.b")) exists. Exits non-zero with a list.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ui = new URL("../ui/", import.meta.url).pathname;
const parts = readFileSync(join(ui, "i18n.js"), "utf8").match(/CATALOGUE_PARTS = \[([^\]]*)\]/);
const names = parts ? [...parts[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];

function merge(into, part) {
  for (const [k, v] of Object.entries(part)) {
    into[k] = typeof v === "object" && typeof into[k] === "object" ? merge(into[k], v) : v;
  }
  return into;
}
function load(lang) {
  const files = [`${lang}.json`, ...names.map((n) => `${lang}.${n}.json`)];
  return files.reduce((acc, f) => merge(acc, JSON.parse(readFileSync(join(ui, "i18n", f), "utf8"))), {});
}
function keys(obj, prefix = "") {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === "object" ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function lookup(obj, key) {
  return key.split(".").reduce((node, part) => node[part], obj);
}
function sources(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules") return [];
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".js") ? [p] : [];
  });
}

const jaCatalogue = load("ja");
const ja = new Set(keys(jaCatalogue));
const en = new Set(keys(load("en")));
const problems = [];
for (const k of ja) if (!en.has(k)) problems.push(`missing in English: ${k}`);
for (const k of en) if (!ja.has(k)) problems.push(`missing in Japanese: ${k}`);
// Japanese text is written in full-width punctuation, and the NPO's office is 事務局 on
// both sides (headquarters' pages never say 本部).
for (const k of ja) {
  const text = lookup(jaCatalogue, k);
  if (/[()]/.test(text)) problems.push(`half-width parentheses in Japanese: ${k}`);
  if (/[^\x00-\x7F]:/.test(text)) problems.push(`half-width colon in Japanese (write ：): ${k}`);
  if (text.includes("本部")) problems.push(`本部 in Japanese (the app says 事務局): ${k}`);
}
for (const file of sources(ui)) {
  for (const m of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([A-Za-z0-9_.]+)"/g)) {
    if (!ja.has(m[1])) problems.push(`${file.slice(ui.length)}: unknown key ${m[1]}`);
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`i18n: ${ja.size} keys in Japanese and English, every literal key used exists`);
