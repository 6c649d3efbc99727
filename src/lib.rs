//! ecsim: predicts what Alibaba Cloud ECS `RunInstances` answers, before anything launches.
//!
//! Module map (the pipeline reads top to bottom):
//! - [`catalog`]: the error catalog and parameter specs, compiled in from `data/`;
//! - [`request`]: wire forms → raw parameter lists → typed requests; secrets stay hidden;
//! - [`input`]: the planners' forms (Terraform, ROS, aliyun CLI lines, SDK maps) → raw requests;
//! - [`edition`]: which RunInstances is predicted (today's API or the 2018 reference), as data;
//! - [`cost`]: prices, traffic models, internet billing, spot billing, Monte Carlo statistics;
//! - [`world`]: the modeled world (Describe*-shaped data, account, quotas, stock);
//! - [`validate`]: the rule registry and the prediction for one request;
//! - [`throttle`]: the account's RunInstances rate limits (token buckets) for `run` and `serve`;
//! - [`scenario`]: scenario files (JSON, CSV timelines) → typed scenarios;
//! - [`sim`]: the replay engine: seeded trials of a scenario against capacity over time;
//! - [`stats`]: confidence intervals of shares and percentiles, and `--precision` stopping;
//! - [`report`]: pure writers that turn finished results into bytes;
//! - [`output`]: the one writer of output directories (atomic sets with a `run.json`
//!   manifest) and their verifier;
//! - [`cli`]: argument parsing and the one place that touches stdout and stderr;
//! - [`limits`]: the ceilings inputs are checked against, and the one capped file reader.
//!
//! The library never prints.

pub mod catalog;
pub mod cli;
pub mod cost;
pub mod edition;
pub mod error;
pub mod input;
pub mod limits;
pub mod output;
pub mod report;
pub mod request;
pub mod scenario;
pub mod serve;
pub mod sim;
pub mod stats;
pub mod throttle;
pub mod time;
pub mod validate;
pub mod world;

pub use error::{Error, Result};
