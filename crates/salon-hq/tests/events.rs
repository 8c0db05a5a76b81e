//! Related activities on the wire: campus and online events are stored by the same revision
//! rules as the day figures, refused when they cannot be true, and shown on the dashboard per
//! kind and month against the term's targets.

mod common;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use salon_hq_web::Clock;
use salon_protocol::{
    EventCount, EventDaySnapshot, EventKind, Participants, Receipt, SnapshotKey, Upload,
};

fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2025, 3, 20, 3, 0, 0).unwrap())
}

fn count(kind: EventKind, events: u32, students: u32, parents: u32) -> EventCount {
    EventCount {
        kind,
        events,
        participants: Participants {
            students,
            parents,
            teachers: 1,
            supporters: 1,
        },
    }
}

fn events(
    campus: Option<&str>,
    d: (i32, u32, u32),
    revision: u32,
    kinds: Vec<EventCount>,
) -> EventDaySnapshot {
    EventDaySnapshot {
        campus: campus.map(common::campus),
        day: day(d.0, d.1, d.2),
        revision,
        kinds,
    }
}

fn upload(events: Vec<EventDaySnapshot>) -> Upload {
    Upload {
        days: vec![],
        months: vec![],
        events,
        ..Upload::default()
    }
}

#[tokio::test]
async fn campus_and_online_events_are_stored_replaced_and_shown_by_kind() {
    let hq = Hq::with_clock(clock());
    let a_device = hq.enrol(&["C-012"]).await;
    let other = hq.enrol(&["C-013"]).await;
    let first = upload(vec![
        events(
            Some("C-012"),
            (2024, 10, 5),
            1,
            vec![count(EventKind::CareerGuidance, 1, 30, 4)],
        ),
        events(
            None,
            (2024, 11, 14),
            1,
            vec![count(EventKind::CareerTalk, 1, 120, 0)],
        ),
    ]);
    let a = hq.upload(&a_device, "e1", &first).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json::<Receipt>().stored, 2);
    // A replay changes nothing; another device's online talk the same day adds to it.
    let a = hq.upload(&a_device, "e1-again", &first).await;
    assert_eq!(a.json::<Receipt>().unchanged, 2);
    let talk = upload(vec![events(
        None,
        (2024, 11, 14),
        1,
        vec![count(EventKind::CareerTalk, 1, 80, 0)],
    )]);
    assert_eq!(hq.upload(&other, "o1", &talk).await.status, StatusCode::OK);
    // A corrected day replaces: the guidance became two, with a parents' seminar.
    let corrected = upload(vec![events(
        Some("C-012"),
        (2024, 10, 5),
        2,
        vec![
            count(EventKind::CareerGuidance, 2, 50, 6),
            count(EventKind::ParentSeminar, 1, 0, 12),
        ],
    )]);
    assert_eq!(
        hq.upload(&a_device, "e2", &corrected).await.status,
        StatusCode::OK
    );
    // Other figures at the revision held are refused, naming the snapshot.
    let conflicting = upload(vec![events(Some("C-012"), (2024, 10, 5), 2, vec![])]);
    let a = hq.upload(&a_device, "e3", &conflicting).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(
        a.error().held[0].snapshot,
        SnapshotKey::Events {
            campus: Some(campus("C-012")),
            day: day(2024, 10, 5)
        }
    );

    let months = hq
        .store()
        .event_months(day(2024, 4, 1), day(2025, 3, 31))
        .unwrap();
    let find = |kind, online| {
        months
            .iter()
            .find(|m| m.kind == kind && m.online == online)
            .copied()
            .unwrap()
    };
    let talks = find(EventKind::CareerTalk, true);
    assert_eq!(
        (talks.events, talks.students, talks.participants()),
        (2, 200, 204)
    );
    let guidance = find(EventKind::CareerGuidance, false);
    assert_eq!(
        (guidance.events, guidance.students, guidance.parents),
        (2, 50, 6)
    );
    assert_eq!(find(EventKind::ParentSeminar, false).parents, 12);
    assert_eq!(hq.store().count_rows("event_snapshots").unwrap(), 3);

    // The dashboard, against a term's targets for talks.
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let term = form(&[
        ("csrf", &csrf),
        ("name", "2024年度"),
        ("from", "2024-04"),
        ("to", "2025-03"),
        ("events_career_talk", "4"),
        ("participants_career_talk", "400"),
    ]);
    assert_eq!(
        hq.post_form("/terms", &cookie, &term).await.status,
        StatusCode::SEE_OTHER
    );
    let page = hq.get("/?fy=2024", Some(&cookie)).await.text();
    let row = page
        .split("<tr data-kind=\"career_talk\">")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the talks row");
    assert_eq!(
        row,
        "<th class=\"text\" scope=\"row\">オンライン職業講話</th><td>2回</td><td>2回</td>\
         <td>200</td><td>0</td><td>2</td><td>2</td><td>204名</td>\
         <td>4回</td><td>50%</td><td>400名</td><td>51%</td>"
    );
    assert!(
        page.contains("<td>2回・58名</td>"),
        "October's guidance: {page}"
    );
}

#[tokio::test]
async fn events_that_cannot_be_true_or_belong_elsewhere_are_refused() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let cases = [
        (
            events(
                None,
                (2024, 11, 1),
                1,
                vec![count(EventKind::Exchange, 0, 3, 0)],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "participants_without_event",
        ),
        (
            events(
                None,
                (2025, 3, 25),
                1,
                vec![count(EventKind::Exchange, 1, 3, 0)],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "day_in_future",
        ),
        (
            events(
                None,
                (2024, 11, 1),
                1,
                vec![count(EventKind::Exchange, 11, 3, 0)],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "over_day_cap",
        ),
        (
            events(
                None,
                (2024, 11, 1),
                1,
                vec![
                    count(EventKind::Exchange, 1, 3, 0),
                    count(EventKind::CareerTalk, 1, 3, 0),
                ],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete_breakdown",
        ),
        (
            events(
                Some("C-013"),
                (2024, 11, 1),
                1,
                vec![count(EventKind::Exchange, 1, 3, 0)],
            ),
            StatusCode::FORBIDDEN,
            "campus_not_enrolled",
        ),
    ];
    for (i, (snapshot, status, code)) in cases.into_iter().enumerate() {
        let a = hq
            .upload(&token, &format!("bad-{i}"), &upload(vec![snapshot]))
            .await;
        assert_eq!(a.status, status, "{code}");
        let e = a.error();
        assert_eq!(e.code, code);
        if status == StatusCode::UNPROCESSABLE_ENTITY && code != "incomplete_breakdown" {
            assert!(e.message.starts_with("オンラインの 20"), "{}", e.message);
        }
    }
    assert_eq!(hq.store().count_rows("event_snapshots").unwrap(), 0);
    // An event's title never travels: the parser refuses a field it does not know.
    let with_title = r#"{"days":[],"months":[],"events":[{"day":"2024-11-01","revision":1,
        "kinds":[],"title":"山田さんの進路相談会"}]}"#;
    let a = hq.upload_raw(&token, "title", with_title).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.error().code, "bad_body");
}
