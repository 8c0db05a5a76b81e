//! The small-count rule as headquarters re-checks it, whole, in one place: when the rule
//! changes, this file changes and nothing else on the server.

use crate::counts::{Cell, MonthBreakdown, SuppressionRule};
use crate::kinds::{Format, PathStatus, Route, Topic};

use crate::error::ProtocolError;

/// Whether a month's breakdown could have come from the device's rule (salon-core's `counts`)
/// under `rule`: every breakdown complete and in order; no shown cell from 1 to k−1; format
/// exact; and the route cells, whose total (`visits`) is sent, reveal nothing by subtraction:
/// either nothing is hidden and the cells add up to the total, or at least two cells are
/// hidden and together hold at least k — except in a month under k, where every cell is hidden.
///
/// Route and topic cells may both be absent (protocol 5: they travel under noise instead); one
/// without the other is incomplete. Path cells may be absent (protocol 6).
pub fn check_breakdown(b: &MonthBreakdown, rule: &SuppressionRule) -> Result<(), ProtocolError> {
    let under_noise = b.by_route.is_empty() && b.by_topic.is_empty();
    if !under_noise {
        complete(&b.by_route, Route::ALL)?;
        complete(&b.by_topic, Topic::ALL)?;
    }
    complete(&b.by_format, Format::ALL)?;
    // Absent under a path calendar (protocol 6: they travel per device and period instead).
    if !b.path_decisions.is_empty() {
        complete(&b.path_decisions, PathStatus::DECIDED)?;
    }
    no_small_cell(&b.by_route, |_| rule.k)?;
    no_small_cell(&b.by_topic, |t| rule.k_for_topic(t))?;
    no_small_cell(&b.path_decisions, |_| rule.k)?;
    if b.by_format.iter().any(|c| c.count.is_none()) {
        return Err(ProtocolError::SuppressionBroken);
    }
    if under_noise {
        return Ok(());
    }
    routes_hide_enough(&b.by_route, u64::from(b.visits), u64::from(rule.k))
}

fn routes_hide_enough(cells: &[Cell<Route>], total: u64, k: u64) -> Result<(), ProtocolError> {
    let shown: u64 = cells.iter().filter_map(|c| c.count).map(u64::from).sum();
    let hidden = cells.iter().filter(|c| c.count.is_none()).count();
    if shown > total {
        return Err(ProtocolError::MonthTotalMismatch);
    }
    let hidden_sum = total - shown;
    match hidden {
        0 if hidden_sum == 0 => Ok(()),
        0 => Err(ProtocolError::MonthTotalMismatch),
        // A month under k: every cell hidden, or a shown cell tells where the few visits were.
        _ if total < k => {
            if hidden == cells.len() || total == 0 {
                Ok(())
            } else {
                Err(ProtocolError::SuppressionBroken)
            }
        }
        1 => Err(ProtocolError::SuppressionBroken),
        _ if hidden_sum < k => Err(ProtocolError::SuppressionBroken),
        _ => Ok(()),
    }
}

/// The month's visits as the breakdown states them must be those of its days: otherwise a
/// stated total could make a small hidden sum look large.
pub fn check_month_total(b: &MonthBreakdown, visits_in_days: u64) -> Result<(), ProtocolError> {
    if u64::from(b.visits) == visits_in_days {
        Ok(())
    } else {
        Err(ProtocolError::MonthTotalMismatch)
    }
}

/// Each code exactly once, in the canonical order.
fn complete<C: PartialEq + Copy>(cells: &[Cell<C>], all: &[C]) -> Result<(), ProtocolError> {
    let codes: Vec<C> = cells.iter().map(|c| c.code).collect();
    if codes != all {
        return Err(ProtocolError::IncompleteBreakdown);
    }
    Ok(())
}

fn no_small_cell<C: Copy>(cells: &[Cell<C>], k_of: impl Fn(C) -> u32) -> Result<(), ProtocolError> {
    let small = cells
        .iter()
        .any(|c| c.count.is_some_and(|n| (1..k_of(c.code)).contains(&n)));
    if small {
        return Err(ProtocolError::SuppressionBroken);
    }
    Ok(())
}
