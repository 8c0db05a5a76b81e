//! How WebKitGTK draws the window on Linux. Its default renderer composites every frame through
//! OpenGL; on a machine with no GPU that OpenGL is Mesa's software rasteriser, and drawing ten
//! search results then costs ~80 ms a frame more than painting them on the CPU does
//! (BENCHMARKS.md, "Search in the window"). So where there is no GPU render node, the window is
//! painted on the CPU. A machine with a GPU keeps WebKit's default, and whatever the supporter
//! (or their IT help) set in the environment is left as it is.

use std::ffi::OsString;
use std::path::Path;

/// WebKitGTK's switch: set to 1, WebKit paints on the CPU instead of compositing with OpenGL.
pub const DISABLE_GL_COMPOSITING: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// What to set before the window exists, if anything: `already` is the variable's value in
/// the environment, `has_render_node` whether the kernel offers a GPU to render with.
pub fn choice(
    already: Option<OsString>,
    has_render_node: bool,
) -> Option<(&'static str, &'static str)> {
    (already.is_none() && !has_render_node).then_some((DISABLE_GL_COMPOSITING, "1"))
}

/// Whether `dri` (normally /dev/dri) holds a render node (renderD128, …): what Mesa needs to
/// draw on a GPU instead of in software.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Applies [`choice`] for this machine. Called first thing in `main`, before any thread starts.
#[cfg(target_os = "linux")]
pub fn choose_for_this_machine() {
    let already = std::env::var_os(DISABLE_GL_COMPOSITING);
    if let Some((name, value)) = choice(already, has_render_node(Path::new("/dev/dri"))) {
        std::env::set_var(name, value);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn choose_for_this_machine() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_gpu_paints_on_the_cpu_unless_told_otherwise() {
        assert_eq!(choice(None, false), Some((DISABLE_GL_COMPOSITING, "1")));
        assert_eq!(choice(None, true), None);
        assert_eq!(choice(Some("0".into()), false), None);
        assert_eq!(choice(Some("1".into()), true), None);
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dri.path()));
        std::fs::write(dri.path().join("card0"), "").unwrap();
        assert!(!has_render_node(dri.path()), "a card without a render node");
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(has_render_node(dri.path()));
        assert!(!has_render_node(&dri.path().join("missing")));
    }
}
