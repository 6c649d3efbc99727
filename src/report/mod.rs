//! Report writers: pure functions from finished results to bytes. Files and stdout are
//! owned by `cli`.

pub mod charts;
pub mod check;
pub mod codes;
pub mod compare;
pub mod costs;
pub mod html;
pub mod replay;
