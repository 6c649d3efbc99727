//! The catalog: every error RunInstances can answer (from `data/errors.csv`, compiled in by
//! `build.rs`) and every wire parameter ecsim reads (`params`).

pub mod errors;
pub mod params;

pub use errors::{Entry, ErrorKey, Origin};
