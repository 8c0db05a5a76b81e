//! Helpers shared by the cross-crate tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Where a run writes its screenshots: `tests/screenshots` of the checkout being tested. Read
/// when the test runs, not when it was compiled: checkouts that share a build folder share
/// the test binaries, and the screenshots must land beside the code that was run.
/// The runtime a test serves headquarters on while its synchronous browser steps run: two
/// worker threads, as the machine has two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn shots_dir() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.join("screenshots")
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The files under `dir` that hold `text` in UTF-8, UTF-16LE or UTF-16BE.
pub fn files_containing(dir: &Path, text: &str) -> Vec<PathBuf> {
    let forms = [
        text.as_bytes().to_vec(),
        utf16(text, false),
        utf16(text, true),
    ];
    files_under(dir)
        .into_iter()
        .filter(|path| {
            std::fs::read(path)
                .map(|bytes| forms.iter().any(|f| contains(&bytes, f)))
                .unwrap_or(false)
        })
        .collect()
}

/// A marker no real note would contain, different on every run.
pub fn canary(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("CANARY-{label}-{nanos:09}-{}", std::process::id())
}

/// axe-core's serious and critical violations of the page shown, as "rule (impact): where"
/// (run with `script_async` after axe.min.js is loaded into the page).
pub const AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(r => done(
  r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)
)).catch(e => done([`axe failed: ${e}`]));
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_finds_each_encoding() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a"), "前後CANARY-x後").unwrap();
        std::fs::write(dir.path().join("sub/b"), utf16("CANARY-x", false)).unwrap();
        std::fs::write(dir.path().join("c"), utf16("CANARY-x", true)).unwrap();
        std::fs::write(dir.path().join("d"), "nothing").unwrap();
        assert_eq!(files_containing(dir.path(), "CANARY-x").len(), 3);
    }
}
