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
    for &w in &windows {
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
    // A round trip: the server has handled the messages before the connection closes.
    x11rb::wrapper::ConnectionExt::sync(&conn).unwrap();
    windows.len()
}
