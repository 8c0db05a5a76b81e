//! Noise for the breakdowns that leave a laptop (visits by route and by topic, path decisions
//! by kind), and the simulation that shows what headquarters can state from them at the seed's
//! own scale. The privacy statement these parameters make is in docs/privacy.md, "Breakdowns
//! under noise"; [`policy`] holds its figures as code.
//!
//! No I/O but the operating system's random generator; no Tauri, no SQL.

mod error;
mod keyed;
pub mod policy;
pub mod random;
mod release;
pub mod sampler;
pub mod simulation;

pub use error::PrivacyError;
pub use keyed::{KeyedRandom, NoiseKey};
pub use random::{RandomSource, SeededRandom};
pub use release::{release_month, release_paths, ExactMonth, ExactPeriod, ExactSensitive};
pub use salon_protocol::{NoisePolicy, NoiseScale, NOISE};
pub use sampler::discrete_laplace;
