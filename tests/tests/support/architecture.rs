//! Reads the workspace's Rust modules and what each imports, for `architecture.rs`: a file's
//! module path comes from where it stands (`src/a/b.rs` and `src/a/b/mod.rs` are `a::b`), and
//! an import is any `crate::`, `super::` or `self::` path, or a path that starts with a child
//! module's name, in a `use` or in the code. It resolves to the file of the longest module
//! the path names, so `use super::WebError` from `web/pages.rs` is an import of `web/mod.rs`;
//! a name a module only hands on (`pub use state::AppState` in `lib.rs`) resolves to where it
//! comes from.
//! Test modules at the end of a file (`#[cfg(test)] mod tests { … }`) are left out: tests
//! may reach anywhere. `product_code` is the same reading for the checks of what the code
//! says (the clock, I/O, Japanese text).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::files_under;

/// Each workspace crate with its `src` folder, by package name.
pub fn crate_roots(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("Cargo.toml"))
        .collect();
    manifests.push(root.join("src-tauri/Cargo.toml"));
    manifests.push(root.join("bench/bare-window/Cargo.toml"));
    for manifest in manifests.into_iter().filter(|m| m.exists()) {
        let text = std::fs::read_to_string(&manifest).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap()
            .to_owned();
        out.push((name, manifest.parent().unwrap().join("src")));
    }
    out
}

/// The `.rs` files of a `src` folder.
pub fn source_files(src: &Path) -> Vec<PathBuf> {
    files_under(src)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect()
}

/// A module of tests alone (`tests.rs`, `release_tests.rs`), declared under `#[cfg(test)]`.
pub fn is_test_file(file: &Path) -> bool {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// The code each crate ships, file by file (crate, file, code): test modules and comment
/// lines left out (`strip_tests`).
pub fn product_code(root: &Path) -> Vec<(String, PathBuf, String)> {
    let mut out = Vec::new();
    for (krate, src) in crate_roots(root) {
        for file in source_files(&src).into_iter().filter(|f| !is_test_file(f)) {
            let code = strip_tests(&std::fs::read_to_string(&file).unwrap());
            out.push((krate.clone(), file, code));
        }
    }
    out
}

/// The code before the file's test module, with comment lines blanked.
pub fn strip_tests(text: &str) -> String {
    let test_module = text.match_indices("#[cfg(test)]\n").find(|(at, attr)| {
        let next = text[at + attr.len()..].lines().next().unwrap_or("");
        next.contains("mod tests") && next.trim_end().ends_with('{')
    });
    let code = match test_module {
        Some((at, _)) => &text[..at],
        None => text,
    };
    code.lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Inline modules (`mod hhmm { … }`, serde helpers) left out: their `super` is the file, which
/// a path read as the file's own would get wrong.
fn without_inline_modules(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("mod ") {
        let after = &rest[at + 4..];
        let name_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let starts_block = after[name_end..].trim_start().starts_with('{');
        let word_start =
            at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        if !(starts_block && word_start) {
            out.push_str(&rest[..at + 4]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..at]);
        let open = at + 4 + name_end + after[name_end..].find('{').unwrap();
        let mut depth = 0;
        let mut end = rest.len();
        for (k, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Which file imports which, inside one crate.
pub struct Graph {
    names: Vec<String>,
    edges: BTreeMap<usize, BTreeSet<usize>>,
    /// For each import, the first path that makes it.
    why: BTreeMap<(usize, usize), String>,
}

impl Graph {
    pub fn files(&self) -> usize {
        self.names.len()
    }

    /// One cycle of imports, as the files it runs through, if there is one.
    pub fn cycle(&self) -> Option<Vec<String>> {
        self.cycle_of_files()
            .map(|c| c.into_iter().map(|i| self.names[i].clone()).collect())
    }

    /// The same, each step with the path that makes it: `a.rs (crate::b::X) → b.rs …`.
    pub fn cycle_explained(&self) -> Option<String> {
        let c = self.cycle_of_files()?;
        let steps: Vec<String> = c
            .windows(2)
            .map(|w| format!("{} ({})", self.names[w[0]], self.why[&(w[0], w[1])]))
            .collect();
        Some(format!(
            "{} → {}",
            steps.join(" → "),
            self.names[c[c.len() - 1]]
        ))
    }

    fn cycle_of_files(&self) -> Option<Vec<usize>> {
        // 0 unseen, 1 on the path, 2 done.
        let mut state = vec![0u8; self.names.len()];
        let mut path = Vec::new();
        (0..self.names.len()).find_map(|start| self.visit(start, &mut state, &mut path))
    }

    fn visit(&self, at: usize, state: &mut [u8], path: &mut Vec<usize>) -> Option<Vec<usize>> {
        match state[at] {
            2 => return None,
            1 => {
                let from = path.iter().position(|&p| p == at).unwrap();
                let mut cycle = path[from..].to_vec();
                cycle.push(at);
                return Some(cycle);
            }
            _ => {}
        }
        state[at] = 1;
        path.push(at);
        for &next in self.edges.get(&at).into_iter().flatten() {
            if let Some(c) = self.visit(next, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state[at] = 2;
        None
    }
}

/// The module path of a file under `src`: `lib.rs` and `main.rs` are the root, `a/mod.rs`
/// and `a.rs` are `a`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

pub fn module_graph(src: &Path) -> Graph {
    let files: Vec<PathBuf> = source_files(src)
        .into_iter()
        // A crate with a library: its main.rs uses the library by name, not by crate::.
        .filter(|f| !(f.ends_with("main.rs") && src.join("lib.rs").exists()))
        .collect();
    let modules: BTreeMap<Vec<String>, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (module_of(src, f), i))
        .collect();
    let codes: Vec<String> = files
        .iter()
        .map(|f| without_inline_modules(&strip_tests(&std::fs::read_to_string(f).unwrap())))
        .collect();
    // The names each module hands on, and where they come from.
    let mut handed_on: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let here = module_of(src, file);
        for (name, path) in reexports_in(&codes[i]) {
            if let Some(from) = absolute(&here, &path, &modules) {
                handed_on.insert((i, name), from);
            }
        }
    }
    let resolve = |mut path: Vec<String>| -> Option<usize> {
        for _ in 0..8 {
            // The longest module the path names.
            let n = (0..=path.len())
                .rev()
                .find(|&n| modules.contains_key(&path[..n]))?;
            let file = modules[&path[..n]];
            let Some(item) = path.get(n) else {
                return Some(file);
            };
            match handed_on.get(&(file, item.clone())) {
                Some(from) if from[..] != path[..n + 1] => {
                    let mut next = from.clone();
                    next.extend(path[n + 1..].iter().cloned());
                    path = next;
                }
                _ => return Some(file),
            }
        }
        None
    };
    let mut edges: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut why = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let here = module_of(src, file);
        for path in paths_in(&codes[i]) {
            let Some(absolute) = absolute(&here, &path, &modules) else {
                continue;
            };
            if let Some(t) = resolve(absolute).filter(|&t| t != i) {
                edges.entry(i).or_default().insert(t);
                why.entry((i, t)).or_insert_with(|| path.join("::"));
            }
        }
    }
    let names = files
        .iter()
        .map(|f| f.strip_prefix(src).unwrap().to_string_lossy().into_owned())
        .collect();
    Graph { names, edges, why }
}

/// A path as written, made absolute from the module `here`; none for another crate's.
fn absolute(
    here: &[String],
    path: &[String],
    modules: &BTreeMap<Vec<String>, usize>,
) -> Option<Vec<String>> {
    let mut at: Vec<String> = here.to_vec();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &path[1..];
        }
        Some("self") => rest = &path[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                at.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            let mut child = here.to_vec();
            child.push(first.to_owned());
            if !modules.contains_key(&child) {
                return None; // std, another crate, or a name of this module
            }
        }
        None => return None,
    }
    at.extend(rest.iter().cloned());
    Some(at)
}

/// Every path in `use` trees (braces expanded) and every `a::b` path in the code.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let after = &rest[at..];
        let end = after.find(';').unwrap_or(after.len());
        expand("", &after[..end], &mut out);
        rest = &after[end..];
    }
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b':')
        {
            j += 1;
        }
        let word = &code[i..j];
        // `a::{…}` is a use tree's head, read with its tree above.
        if word.contains("::") && !word.ends_with("::") {
            let parts: Vec<String> = word
                .split("::")
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            out.push(parts);
        }
        i = j.max(i + 1);
    }
    out
}

/// The names a module hands on with `pub use` (any visibility), each with the path it names
/// (a name given another with `as` is not followed).
fn reexports_in(code: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for line_start in code.match_indices("pub").map(|(at, _)| at) {
        let rest = &code[line_start + 3..];
        let rest = match rest.strip_prefix('(') {
            Some(r) => &r[r.find(')').map_or(0, |e| e + 1)..],
            None => rest,
        };
        let Some(tree) = rest.trim_start().strip_prefix("use ") else {
            continue;
        };
        let end = tree.find(';').unwrap_or(tree.len());
        let tree = &tree[..end];
        // A glob hands on names this check does not list: a path through it stops here.
        if tree.contains('*') {
            continue;
        }
        let mut paths = Vec::new();
        expand("", tree, &mut paths);
        for path in paths {
            out.push((path.last().cloned().unwrap_or_default(), path));
        }
    }
    out
}

/// Where the next `use` statement's tree starts.
fn find_use(code: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = code[from..].find("use ") {
        let at = from + at;
        let before = code[..at].chars().next_back();
        if before.is_none_or(|c| matches!(c, '\n' | ' ' | '\t' | '{' | ';' | ')')) {
            return Some(at + 4);
        }
        from = at + 4;
    }
    None
}

/// `a::{b, c::{d, self}}` under `prefix`, as whole paths.
fn expand(prefix: &str, tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    let join = |p: &str, s: &str| match p.is_empty() {
        true => s.to_owned(),
        false => format!("{p}::{s}"),
    };
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..k], out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
        return;
    }
    let item = tree.split(" as ").next().unwrap_or("").trim();
    if item.is_empty() {
        return;
    }
    let whole = match item {
        "self" | "*" => prefix.to_owned(),
        _ => join(prefix, item),
    };
    let parts: Vec<String> = whole.split("::").map(|p| p.trim().to_owned()).collect();
    out.push(parts);
}
