//! Integration tests: one binary, a module per area.

mod cli;
mod codes;
mod costs;
mod editions;
mod current;
mod metadata;
mod replay;
mod reports;
mod serve;
mod support;
