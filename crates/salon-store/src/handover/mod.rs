//! A caseload handed to a colleague's laptop (引き継ぎ), the store's side: this laptop's keys
//! and the colleagues' cards (`cards`), what a package carries (`caseload`), sealing one
//! (`send`), taking one (`take`), and the sender settling it with the receipt (`settle`).
//! How the counts stay right across it: docs/laptop.md, "Handing a caseload on".

mod cards;
mod caseload;
#[cfg(test)]
mod cover_tests;
mod record;
#[cfg(test)]
mod refusal_tests;
mod relay;
mod relay_news;
#[cfg(test)]
mod relay_tests;
mod send;
mod settle;
mod take;
#[cfg(test)]
pub(crate) mod tests;

pub use cards::KnownLaptop;
pub use record::{
    HandoverCounts, HandoverReason, HandoverRecord, HandoverRequest, Merge, MergeOffer,
    PackageSummary, Sealed,
};
pub use relay::{RelayColleague, RelayOutgoing, RelayedToMe};
pub use relay_news::RelayNews;
