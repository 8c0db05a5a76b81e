//! The UI's types, declared for TypeScript from the Rust types the commands take and return
//! (ts-rs), so that a field renamed here fails `tsc --checkJs` over the UI instead of breaking
//! the window silently. `ui/api-types.d.ts` is [`declarations`] as written; a test
//! (`tests/tests/ui_types.rs`) fails when a fresh generation differs.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use ts_rs::{TypeVisitor, TS};

/// The file the UI reads its types from, relative to the repository's root.
pub const UI_TYPES_FILE: &str = "ui/api-types.d.ts";

/// Every type a command takes (beyond plain numbers and text) or returns; the types they are
/// made of are declared with them.
fn roots(out: &mut Declarations) {
    use salon_core::care::{
        Appointment, AppointmentInput, Event, EventInput, FollowUp, FollowUpsDue, NextAppointment,
        OutreachEntry, PathChange, RiskEntry,
    };
    use salon_core::{
        Campus, CampusInput, SalonSession, SessionCorrection, Student, StudentInput, Visit,
        VisitInput,
    };
    use salon_store::reports::{ActivityReport, TeacherReport};
    use salon_store::retention::PurgeResult;
    use salon_store::{SearchPage, SearchQuery, SessionRow, StudentPage, SyncLogEntry, Today};

    out.visit::<AppointmentInput>();
    out.visit::<CampusInput>();
    out.visit::<EventInput>();
    out.visit::<salon_store::HandoverRequest>();
    out.visit::<salon_store::Merge>();
    out.visit::<NextAppointment>();
    out.visit::<SearchQuery>();
    out.visit::<SessionCorrection>();
    out.visit::<StudentInput>();
    out.visit::<VisitInput>();

    out.visit::<crate::about::About>();
    out.visit::<ActivityReport>();
    out.visit::<crate::commands::AppStatus>();
    out.visit::<Appointment>();
    out.visit::<crate::reports::BackupFile>();
    out.visit::<crate::reports::BackupProgress>();
    out.visit::<crate::reports::BackupStatus>();
    out.visit::<Campus>();
    out.visit::<crate::requests::DisclosureWritten>();
    out.visit::<Event>();
    out.visit::<FollowUp>();
    out.visit::<FollowUpsDue>();
    out.visit::<salon_store::HandoverRecord>();
    out.visit::<crate::handover::HandoverWritten>();
    out.visit::<crate::sync::HqStatus>();
    out.visit::<crate::IpcError>();
    out.visit::<crate::keys::KeysRenewed>();
    out.visit::<salon_store::KnownLaptop>();
    out.visit::<salon_store::RelayColleague>();
    out.visit::<salon_store::RelayedToMe>();
    out.visit::<salon_store::RelayNews>();
    out.visit::<crate::handover_relay::RelayChecked>();
    out.visit::<crate::handover::MyCard>();
    out.visit::<OutreachEntry>();
    out.visit::<salon_store::PackageSummary>();
    out.visit::<crate::handover::PackageTaken>();
    out.visit::<PathChange>();
    out.visit::<crate::prefs::Preferences>();
    out.visit::<PurgeResult>();
    out.visit::<salon_protocol::Receipt>();
    out.visit::<crate::retention::RetentionPreview>();
    out.visit::<RiskEntry>();
    out.visit::<SalonSession>();
    out.visit::<SearchPage>();
    out.visit::<crate::corrections::SessionDetail>();
    out.visit::<SessionRow>();
    out.visit::<crate::commands::SetupDone>();
    out.visit::<Student>();
    out.visit::<StudentPage>();
    out.visit::<crate::commands::StudentRecord>();
    out.visit::<SyncLogEntry>();
    out.visit::<crate::sync::SyncPreview>();
    out.visit::<TeacherReport>();
    out.visit::<Today>();
    out.visit::<crate::updates::UpdateOffer>();
    out.visit::<Visit>();
    out.visit::<crate::care::VisitSaved>();
    out.visit::<crate::handover::Written>();
}

/// What `ui/api-types.d.ts` holds: each type once, by name.
pub fn declarations() -> String {
    let mut out = Declarations::default();
    roots(&mut out);
    let mut text = String::from(
        "// The types the app's commands take and return, generated from the Rust types\n\
         // (src-tauri/src/ui_types.rs). Do not edit: `UPDATE_UI_TYPES=1 cargo test -p salon-tests\n\
         // --test ui_types` writes it again.\n",
    );
    for decl in out.by_name.values() {
        text.push('\n');
        text.push_str(decl);
        text.push('\n');
    }
    text
}

#[derive(Default)]
struct Declarations {
    seen: HashSet<TypeId>,
    by_name: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Plain numbers, text, lists and options have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        // serde_json writes every integer as a JSON number, whatever its width in Rust.
        let decl = T::decl().replace("bigint", "number");
        let decl = format!("{docs}export {}", one_field_a_line(&decl));
        // A generic type is declared once, whatever it is used with.
        let previous = self.by_name.insert(T::ident(), decl.clone());
        assert!(
            previous.is_none_or(|p| p == decl),
            "two Rust types are called {} in the UI",
            T::ident()
        );
        T::visit_dependencies(self);
    }
}

/// An object type written one field to a line, each under its doc comment (ts-rs writes the
/// whole object on one line); any other declaration as it is.
fn one_field_a_line(decl: &str) -> String {
    let (Some(open), Some(body)) = (decl.find("= { "), decl.strip_suffix(" };")) else {
        return decl.to_owned();
    };
    let body = &body[open + 4..];
    let mut out = format!("{}= {{\n", &decl[..open]);
    let mut field = String::new();
    let (mut depth, mut in_doc) = (0i32, false);
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if in_doc {
            field.push(c);
            if c == '/' && field.ends_with("*/") {
                in_doc = false;
            }
        } else if c == '/' && chars.peek() == Some(&'*') {
            in_doc = true;
            field.push(c);
        } else if c == ',' && depth == 0 {
            push_field(&mut out, &field);
            field.clear();
        } else {
            match c {
                '<' | '(' | '[' | '{' => depth += 1,
                '>' | ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            field.push(c);
        }
    }
    push_field(&mut out, &field);
    out.push_str("};");
    out
}

/// One field, indented, its doc comment's lines with it.
fn push_field(out: &mut String, field: &str) {
    for line in field.trim().lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let indent = if line.starts_with('*') { "   " } else { "  " };
        out.push_str(indent);
        out.push_str(line);
        if !line.starts_with("/**") && !line.starts_with('*') {
            out.push(',');
        }
        out.push('\n');
    }
}
