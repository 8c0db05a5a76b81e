//! Replays, retries and reorderings of snapshot uploads: for every key the highest revision
//! stored wins, an upload with a snapshot below a held revision (and other figures) is refused
//! whole, and what HQ shows is always exactly a model of that.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::*;
use proptest::prelude::*;
use salon_figures::Period;
use salon_hq_store::figures::compute;
use salon_protocol::{Month, Upload};

const DAYS: [u32; 3] = [4, 11, 18];

fn months() -> [Month; 2] {
    [
        Month::parse("2025-01").unwrap(),
        Month::parse("2025-02").unwrap(),
    ]
}

/// Snapshot i of the 12 possible: (day or month, revision), each with fixed content.
fn upload_of(items: &[(bool, usize, u32)]) -> Upload {
    let mut u = Upload::default();
    for &(is_day, which, rev) in items {
        if is_day {
            u.days
                .push(day_snapshot("C-012", day(2025, 2, DAYS[which % 3]), rev));
        } else {
            u.months.push(month_snapshot(
                "C-012",
                months()[which % 2],
                rev,
                10 * rev + 25,
            ));
        }
    }
    u
}

/// What the server shows for the period, as plain numbers.
/// (month, sessions, visits) per campus × month.
type Shown = Vec<(String, u32, u32)>;

fn shown(hq: &Hq) -> Shown {
    let p = Period::new(months()[0], months()[1]).unwrap();
    // The totals kept at each upload, per campus and per device, are the sums of the latest
    // day snapshots (one device here).
    let days = hq.store().day_totals(p.first_day(), p.last_day()).unwrap();
    assert_eq!(hq.store().month_totals(p.from, p.to).unwrap(), days);
    let per_device: Vec<(u64, u64)> = hq
        .store()
        .supporter_totals(p.from, p.to)
        .unwrap()
        .iter()
        .map(|s| (s.sessions, s.minutes))
        .collect();
    let held = days.iter().fold((0, 0), |(n, m), d| {
        (
            n + u64::from(d.counts.sessions),
            m + u64::from(d.counts.session_minutes),
        )
    });
    assert_eq!(per_device, if held.0 > 0 { vec![held] } else { vec![] });
    compute(hq.store(), p)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.month.to_string(), r.counts.sessions, r.counts.visits))
        .collect()
}

fn item() -> impl Strategy<Value = (bool, usize, u32)> {
    (any::<bool>(), 0usize..3, 1u32..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_order_and_any_repetition_shows_exactly_what_was_stored_whole(
        uploads in proptest::collection::vec(proptest::collection::vec(item(), 1..5), 1..5),
        extra in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
        seed in any::<u64>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        // The order the uploads were made in, then any permutation with repeats.
        let mut order: Vec<usize> = (0..uploads.len()).collect();
        order.extend(extra.iter().map(|i| i.index(uploads.len())));
        let mut shuffled = order.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let run = |seq: &[usize]| {
            rt.block_on(async {
                let hq = Hq::new();
                let token = hq.enrol(&["C-012"]).await;
                let mut held: BTreeMap<(bool, usize), u32> = BTreeMap::new();
                for (n, &i) in seq.iter().enumerate() {
                    let a = hq.upload(&token, &format!("send-{n}"), &upload_of(&uploads[i])).await;
                    // The model: refused whole when any snapshot is below the revision held
                    // (its figures differ: they are a function of the revision).
                    // Snapshots of one upload are taken in order, so a key twice counts too.
                    let mut after = held.clone();
                    let mut refused_at = Vec::new();
                    for &(d, w, rev) in &uploads[i] {
                        let e = after.entry(key(d, w)).or_insert(rev);
                        if rev < *e {
                            refused_at.push(*e);
                        }
                        *e = (*e).max(rev);
                    }
                    let behind = !refused_at.is_empty();
                    if behind {
                        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
                        let e = a.error();
                        assert_eq!(e.code, "revision_behind");
                        let mut got: Vec<u32> = e.held.iter().map(|h| h.revision).collect();
                        got.sort_unstable();
                        refused_at.sort_unstable();
                        assert_eq!(got, refused_at);
                    } else {
                        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
                        held = after;
                    }
                    // A retry under the same key answers the same.
                    let again = hq.upload(&token, &format!("send-{n}"), &upload_of(&uploads[i])).await;
                    assert_eq!(again.body, a.body);
                }
                (shown(&hq), held)
            })
        };
        // In the order made and reordered alike, HQ shows exactly what the model holds:
        // stored or refused whole, never half an upload.
        for seq in [&order, &shuffled] {
            let (got, held) = run(seq);
            let expected: Vec<(bool, usize, u32)> =
                held.iter().map(|(&(d, w), &r)| (d, w, r)).collect();
            let direct = rt.block_on(async {
                let hq = Hq::new();
                let token = hq.enrol(&["C-012"]).await;
                let a = hq.upload(&token, "once", &upload_of(&expected)).await;
                assert_eq!(a.status, StatusCode::OK);
                shown(&hq)
            });
            prop_assert_eq!(&got, &direct);
        }
    }
}

fn key(is_day: bool, which: usize) -> (bool, usize) {
    (is_day, if is_day { which % 3 } else { which % 2 })
}
