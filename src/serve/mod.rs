//! `ecsim serve`: an ECS-compatible local HTTP endpoint that real SDKs can rehearse launches
//! against (docs/serve.md).
//!
//! - [`session`]: live capacity counters seeded from the world, instances (indexed per
//!   region for paged listings) and ClientTokens behind one read-write lock, the request log
//!   fed through a bounded buffer; implements the capacity rules' view;
//! - [`actions`]: one function per API action, answers shaped as the service shapes them;
//! - [`body`]: JSON and XML bodies, the error body with the catalog's HTTP status;
//! - [`http`]: the axum routes (API and `/_ecsim/` admin routes);
//! - [`conn`]: the accept loop, timeouts, the connection cap and the first-head check;
//! - [`clock`]: the simulated clock; [`ids`]: deterministic RequestIds and instance ids;
//! - [`report`]: `requests.csv` and `failures.csv` as pure writers.

pub mod actions;
pub mod body;
pub mod clock;
pub mod conn;
pub mod http;
pub mod ids;
pub mod report;
pub mod session;

pub use clock::ClockMode;
pub use http::{serve, App};
pub use session::{Session, SessionConfig};
