//! Report writers: pure functions from finished results to bytes. Output directories are
//! written by [`crate::output`], stdout by `cli`.

pub mod bitmap;
pub mod charts;
pub mod check;
pub mod codes;
pub mod compare;
pub mod costs;
pub mod diff;
pub mod formats;
pub mod html;
pub mod money;
pub mod replay;
pub mod warnings;
