//! What headquarters states from what laptops send, as pure functions of the rows its database
//! holds: periods of whole months and the 年度 (`period`), the funder figures per campus and
//! month (`campus_months`), and the estimates under noise with their 95 % intervals — the breakdowns
//! by route and topic (`breakdowns`), path decisions (`path_estimates`) and the sensitive
//! topics (`sensitive_estimates`). The privacy simulation (`salon-privacy`) states its shares
//! with these same functions, so what it measures is what headquarters shows.
//!
//! Modules depend one way: `estimate` ← `sensitive_estimates` ← `path_estimates` ←
//! `breakdowns`; `period` and `campus_months` stand alone.

pub mod breakdowns;
pub mod campus_months;
pub mod estimate;
pub mod labels;
pub mod path_estimates;
pub mod period;
pub mod sensitive_estimates;

pub use breakdowns::{NoisyBreakdowns, ReleaseTotals};
pub use campus_months::{add_counts, per_campus, percent_of, CampusMonth};
pub use estimate::{Estimate, PeriodEstimate, Z95};
pub use path_estimates::{PathEstimate, PathEstimates};
pub use period::{fiscal_year_of, months_between, next_month, Period, PeriodError};
pub use sensitive_estimates::SensitiveEstimates;
