//! Integration tests: one binary, a module per area.

mod atomic;
mod badinput;
mod capacity;
mod cli;
mod codes;
mod costs;
mod current;
mod editions;
mod init;
mod inputs;
mod limits;
mod metadata;
mod prices;
mod properties;
mod replay;
mod reports;
mod ros;
mod secrets;
mod serve;
mod serve_edges;
mod statistics;
mod streaming;
mod support;
mod terraform;
mod throttling;
mod world_import;
