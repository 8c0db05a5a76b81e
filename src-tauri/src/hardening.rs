//! What the operating system could otherwise keep of the app's memory outside the vault. A
//! crash of the app or of WebKit's web process (which holds every note being typed) would write
//! a core file of its memory; the limit is set to zero before the webview starts, so WebKit's
//! processes, started by this one, inherit it. Swap and hibernation files are the operating
//! system's: docs/privacy.md recommends full-disk encryption.

/// Core files off for this process and every process it starts.
pub fn no_core_files() {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        // Lowering a limit is always allowed; should it fail, the app still runs.
        let _ = setrlimit(Resource::Core, none);
    }
}
