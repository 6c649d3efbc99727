//! Deterministic identifiers: RequestIds shaped like UUIDs and instance ids, both derived
//! from the session seed and a counter, so a replayed session answers the same ids.

/// SplitMix64's finaliser: a bijection on `u64`, so distinct inputs give distinct outputs.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The RequestId of request `seq`: `473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E` form, upper case.
pub fn request_id(seed: u64, seq: u64) -> String {
    let a = mix(seq.wrapping_mul(2).wrapping_add(seed.wrapping_mul(GOLDEN)));
    let b = mix(a ^ seq.wrapping_mul(2).wrapping_add(1));
    format!(
        "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// The id of the `n`-th instance created in the session: `i-` and 13 base-36 digits.
/// Unique for a seed (the mixing is a bijection of `n`).
pub fn instance_id(seed: u64, n: u64) -> String {
    let mut v = mix(n
        .wrapping_add(seed.wrapping_mul(GOLDEN))
        .wrapping_add(GOLDEN));
    let mut digits = [b'0'; 13];
    for d in digits.iter_mut().rev() {
        *d = b"0123456789abcdefghijklmnopqrstuvwxyz"[(v % 36) as usize];
        v /= 36;
    }
    format!("i-{}", std::str::from_utf8(&digits).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn request_ids_look_like_uuids_and_depend_on_the_seed() {
        let id = request_id(7, 1);
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_eq!(id, request_id(7, 1));
        assert_ne!(id, request_id(8, 1));
        assert_ne!(id, request_id(7, 2));
    }

    #[test]
    fn instance_ids_are_unique_for_a_seed() {
        let ids: HashSet<String> = (0..10_000).map(|n| instance_id(42, n)).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|i| i.len() == 15 && i.starts_with("i-")));
        assert_ne!(instance_id(1, 0), instance_id(2, 0));
    }
}
