//! Pressing a window's close button from a test, the way a window manager does: a
//! WM_DELETE_WINDOW message to the app's top-level window (found by its _NET_WM_PID). This is
//! the path a supporter's click on × takes; WebDriver's own "close window" is not.
#![allow(dead_code)]

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, Window, CLIENT_MESSAGE_EVENT,
};

fn atom(conn: &impl Connection, name: &str) -> u32 {
    conn.intern_atom(false, name.as_bytes())
        .unwrap()
        .reply()
        .unwrap()
        .atom
}

fn windows_of(conn: &impl Connection, root: Window, pid: u32, pid_atom: u32) -> Vec<Window> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(w) = stack.pop() {
        if let Ok(tree) = conn.query_tree(w).unwrap().reply() {
            stack.extend(tree.children);
        }
        let prop = conn
            .get_property(false, w, pid_atom, AtomEnum::CARDINAL, 0, 1)
            .unwrap()
            .reply();
        if prop
            .ok()
            .and_then(|p| p.value32().and_then(|mut v| v.next()))
            == Some(pid)
        {
            found.push(w);
        }
    }
    found
}

/// Sends WM_DELETE_WINDOW to every top-level window of `pid`; returns how many got it.
pub fn press_close_button(pid: u32) -> usize {
    let (conn, screen) = x11rb::connect(None).expect("an X display (run under xvfb-run)");
    let root = conn.setup().roots[screen].root;
    let (protocols, delete, pid_atom) = (
        atom(&conn, "WM_PROTOCOLS"),
        atom(&conn, "WM_DELETE_WINDOW"),
        atom(&conn, "_NET_WM_PID"),
    );
    let windows = windows_of(&conn, root, pid, pid_atom);
    send_delete(&conn, &windows, protocols, delete);
    windows.len()
}

/// WM_DELETE_WINDOW to each window, as the window manager's close button sends it, then a
/// round trip, so the server has handled the messages before the connection closes.
fn send_delete(conn: &impl Connection, windows: &[Window], protocols: u32, delete: u32) {
    for &w in windows {
        let event = ClientMessageEvent {
            response_type: CLIENT_MESSAGE_EVENT,
            format: 32,
            sequence: 0,
            window: w,
            type_: protocols,
            data: [delete, x11rb::CURRENT_TIME, 0, 0, 0].into(),
        };
        conn.send_event(false, w, EventMask::NO_EVENT, event)
            .unwrap();
    }
    x11rb::wrapper::ConnectionExt::sync(conn).unwrap();
}

/// One connection to the X server for watching windows (a connection per look would soon hit
/// the server's limit of clients, and the app's own connection would then be refused).
pub struct Watcher {
    conn: x11rb::rust_connection::RustConnection,
    root: Window,
    pid_atom: u32,
}

impl Watcher {
    pub fn connect() -> Watcher {
        let (conn, screen) = x11rb::connect(None).expect("an X display (run under xvfb-run)");
        let root = conn.setup().roots[screen].root;
        let pid_atom = atom(&conn, "_NET_WM_PID");
        Watcher {
            conn,
            root,
            pid_atom,
        }
    }

    /// What the largest mapped window of `pid` shows: (pixels, light ones, dark ones), or
    /// `None` while it has no mapped window.
    pub fn census(&self, pid: u32) -> Option<(usize, usize, usize)> {
        use x11rb::protocol::xproto::{ImageFormat, MapState};
        let conn = &self.conn;
        let (_, window, width, height) = windows_of(conn, self.root, pid, self.pid_atom)
            .into_iter()
            .filter(|&w| {
                conn.get_window_attributes(w)
                    .ok()
                    .and_then(|c| c.reply().ok())
                    .is_some_and(|a| a.map_state == MapState::VIEWABLE)
            })
            .filter_map(|w| {
                let g = conn.get_geometry(w).ok()?.reply().ok()?;
                Some((
                    u32::from(g.width) * u32::from(g.height),
                    w,
                    g.width,
                    g.height,
                ))
            })
            .max()?;
        let image = conn
            .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0)
            .ok()?
            .reply()
            .ok()?;
        // 32 bits a pixel (B, G, R, unused) on a 24-bit screen.
        let (mut light, mut dark) = (0usize, 0usize);
        for px in image.data.chunks_exact(4) {
            if px[..3].iter().all(|&c| c > 225) {
                light += 1;
            } else if px[..3].iter().all(|&c| c < 90) {
                dark += 1;
            }
        }
        Some((image.data.len() / 4, light, dark))
    }

    /// The mapped top-level windows of `pid` (the app's window, and any dialog it opened).
    pub fn mapped(&self, pid: u32) -> Vec<Window> {
        use x11rb::protocol::xproto::MapState;
        windows_of(&self.conn, self.root, pid, self.pid_atom)
            .into_iter()
            .filter(|&w| {
                self.conn
                    .get_window_attributes(w)
                    .ok()
                    .and_then(|c| c.reply().ok())
                    .is_some_and(|a| a.map_state == MapState::VIEWABLE)
            })
            .collect()
    }

    /// Presses the close button of these windows only (a dialog, say, and not the app).
    pub fn close(&self, windows: &[Window]) {
        let protocols = atom(&self.conn, "WM_PROTOCOLS");
        let delete = atom(&self.conn, "WM_DELETE_WINDOW");
        send_delete(&self.conn, windows, protocols, delete);
    }

    /// Whether the window of `pid` shows its page yet: mostly a light background, with dark
    /// text on it (a window not painted yet is all black or all white).
    pub fn shows_text(&self, pid: u32) -> bool {
        self.census(pid)
            .is_some_and(|(all, light, dark)| light > all / 2 && dark > 50)
    }
}
