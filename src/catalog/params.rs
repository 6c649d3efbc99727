//! The wire parameters ecsim reads, generated from `data/params.csv`: the reference's 42 rows
//! in its order, the current API's additions, and the common signing parameters it ignores.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The value type on the wire (all values travel as strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Boolean,
    Float,
    /// A string never printed (Password, UserData).
    Secret,
}

/// Where a parameter comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOrigin {
    /// A row of the reference's parameter table.
    Reference,
    /// The current API, beyond the reference.
    Current,
    /// A common or signing parameter: recognised and ignored.
    Common,
}

/// Which editions know a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEditions {
    /// Every edition (the reference's rows and what ecsim read before today's API).
    All,
    /// Today's API only; under `reference-2018` the name is unknown (a warning).
    Current,
}

/// One parameter row, with the bounds of today's schema (OpenAPI metadata).
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub id: ParamId,
    /// Wire name; `n` marks the index of a repeated parameter (`DataDisk.n.Size`,
    /// `NetworkInterface.n.SecurityGroupIds.n`).
    pub name: &'static str,
    pub kind: Kind,
    pub origin: ParamOrigin,
    pub editions: ParamEditions,
    /// Schema `minimum` and `maximum`.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Schema `maxItems` of the array holding the first index, and of the second.
    pub max_items: Option<u32>,
    pub max_items2: Option<u32>,
    /// Schema `maxLength`.
    pub max_length: Option<u32>,
    /// Schema `default` ("" when none).
    pub default: &'static str,
    /// The documented values (`Week|Month`) or range (`1..=64`) beyond the schema; "" for none.
    /// Checked while typing parameters that have no hand-written conversion.
    pub values: &'static str,
    /// The row a value outside `values` (or the schema's bounds) answers; None for the
    /// generic `InvalidParameter`.
    pub error: Option<crate::catalog::ErrorKey>,
    pub description: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/params_gen.rs"));

/// All parameter rows, in the reference's order (the order of precedence within a tier).
pub fn specs() -> &'static [ParamSpec] {
    &PARAMS
}

impl ParamId {
    pub fn spec(self) -> &'static ParamSpec {
        &PARAMS[self as usize]
    }

    /// Whether the name carries an index `n`.
    pub fn indexed(self) -> bool {
        self.spec().name.split('.').any(|s| s == "n")
    }
}

/// A parameter as named on the wire: its row plus the indices of repeated ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamRef {
    pub id: ParamId,
    /// 1-based first index (`DataDisk.n.*`, `Tag.n.*`, `SecurityGroupIds.n`); 0 otherwise.
    pub n: u16,
    /// 1-based second index (`NetworkInterface.n.SecurityGroupIds.m`); 0 otherwise.
    pub m: u16,
}

impl ParamRef {
    pub fn plain(id: ParamId) -> ParamRef {
        ParamRef { id, n: 0, m: 0 }
    }

    pub fn at(id: ParamId, n: u16) -> ParamRef {
        ParamRef { id, n, m: 0 }
    }

    pub fn at2(id: ParamId, n: u16, m: u16) -> ParamRef {
        ParamRef { id, n, m }
    }
}

impl fmt::Display for ParamRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut idx = [self.n, self.m].into_iter();
        for (i, seg) in self.id.spec().name.split('.').enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            if seg == "n" {
                write!(f, "{}", idx.next().unwrap_or(0))?;
            } else {
                f.write_str(seg)?;
            }
        }
        Ok(())
    }
}

/// FNV-1a over short names: the parameter table is fixed, so no hash flooding is possible,
/// and SipHash was a sixth of `check`'s time on name lookups.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// FNV for maps keyed by short, trusted names (the parameter table, the world's ids).
pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// A hash for the parameter index only: eight bytes a step (FNV's byte a step was most of a
/// lookup), then mixed so hashbrown's bucket and tag bits both vary. The table is fixed and
/// every probe ends in a full comparison, so the hash only has to spread the names.
#[derive(Default, Clone, Copy)]
struct NameHash(u64);

impl NameHash {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(Self::K).rotate_left(29);
    }
}

impl std::hash::Hasher for NameHash {
    fn finish(&self) -> u64 {
        let h = self.0 ^ (self.0 >> 31);
        h.wrapping_mul(Self::K) ^ (h >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // The last eight bytes (overlapping the words before) when there are eight, else
            // the few bytes there are: no copy through memcpy for the tail.
            let tail = if bytes.len() >= 8 {
                u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().expect("eight bytes"))
            } else {
                rest.iter()
                    .enumerate()
                    .fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i))
            };
            self.mix(tail);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.mix(u64::from(b) | 0x100);
    }
    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }
}

type NameMap<V> = HashMap<&'static [u8], V, std::hash::BuildHasherDefault<NameHash>>;

/// Every name with its indices replaced by `n`: `DataDisk.n.Size` → DataDiskSize.
/// The flag says whether the name is indexed (a pattern, not a wire name).
fn index() -> &'static NameMap<(ParamId, bool)> {
    static INDEX: OnceLock<NameMap<(ParamId, bool)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        PARAMS
            .iter()
            .map(|p| (p.name.as_bytes(), (p.id, p.id.indexed())))
            .collect()
    })
}

/// Resolves a wire name: `DataDisk.3.Size` → (DataDiskSize, 3),
/// `NetworkInterface.1.SecurityGroupIds.2` → (NetworkInterfaceSecurityGroupIds, 1, 2).
/// Indices must be decimal numbers from 1 to 65535; anything else is unknown.
pub fn lookup(name: &str) -> Option<ParamRef> {
    let ix = index();
    let name = name.as_bytes();
    // As written first: one probe for a plain name; an indexed pattern (`DataDisk.n.Size`)
    // is not a wire name.
    if let Some(&(id, indexed)) = ix.get(name) {
        return (!indexed).then(|| ParamRef::plain(id));
    }
    if name.len() > 128 {
        return None;
    }
    // Replace up to two numeric segments (after the first) by `n`, on the stack, a byte at
    // a time.
    let mut buf = [0u8; 128];
    let mut len = 0;
    let mut idx = [0u16; 2];
    let mut found = 0;
    let mut i = 0;
    let mut first = true;
    while i < name.len() {
        let end = name[i..]
            .iter()
            .position(|&b| b == b'.')
            .map_or(name.len(), |p| i + p);
        let seg = &name[i..end];
        if !first && !seg.is_empty() && seg.iter().all(u8::is_ascii_digit) {
            if found == 2 || seg[0] == b'0' {
                return None;
            }
            let mut v: u32 = 0;
            for &d in seg {
                v = v * 10 + u32::from(d - b'0');
                if v > u32::from(u16::MAX) {
                    return None;
                }
            }
            idx[found] = v as u16;
            found += 1;
            buf[len] = b'n';
            len += 1;
        } else {
            for &b in seg {
                buf[len] = b;
                len += 1;
            }
        }
        if end < name.len() {
            buf[len] = b'.';
            len += 1;
        }
        i = end + 1;
        first = false;
    }
    if found == 0 {
        return None;
    }
    match ix.get(&buf[..len]) {
        Some(&(id, true)) => Some(ParamRef::at2(id, idx[0], idx[1])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_has_42_parameter_rows_in_order() {
        let reference: Vec<_> = specs()
            .iter()
            .filter(|p| p.origin == ParamOrigin::Reference)
            .collect();
        assert_eq!(reference.len(), 42);
        assert_eq!(reference[0].name, "Action");
        assert_eq!(reference[41].name, "ClientToken");
        // Reference rows precede every other row, so row order is precedence order.
        let first_other = specs()
            .iter()
            .position(|p| p.origin != ParamOrigin::Reference)
            .unwrap();
        assert_eq!(first_other, 42);
    }

    #[test]
    fn lookup_resolves_plain_and_indexed_names() {
        assert_eq!(lookup("RegionId"), Some(ParamRef::plain(ParamId::RegionId)));
        assert_eq!(
            lookup("DataDisk.3.Size"),
            Some(ParamRef::at(ParamId::DataDiskSize, 3))
        );
        assert_eq!(
            lookup("Tag.17.Key"),
            Some(ParamRef::at(ParamId::TagKey, 17))
        );
        assert_eq!(
            lookup("SecurityGroupIds.3"),
            Some(ParamRef::at(ParamId::SecurityGroupIds, 3))
        );
        assert_eq!(
            lookup("NetworkInterface.2.SecurityGroupIds.5"),
            Some(ParamRef::at2(
                ParamId::NetworkInterfaceSecurityGroupIds,
                2,
                5
            ))
        );
        assert_eq!(
            ParamRef::at2(ParamId::NetworkInterfaceSecurityGroupIds, 2, 5).to_string(),
            "NetworkInterface.2.SecurityGroupIds.5"
        );
        assert_eq!(lookup("SecurityGroupIds.70000"), None);
        assert_eq!(lookup(&"DataDisk.1.".repeat(40)), None);
        assert_eq!(lookup("DataDisk.n.Size"), None);
        assert_eq!(lookup("DataDisk.03.Size"), None);
        assert_eq!(lookup("DataDisk.0.Size"), None);
        assert_eq!(lookup("DataDisk.1.Colour"), None);
        assert_eq!(lookup("Regionid"), None);
    }

    #[test]
    fn lookup_reads_only_whole_decimal_segments_as_indices() {
        assert_eq!(lookup("DataDisk.1a.Size"), None);
        assert_eq!(lookup("DataDisk.65535.Size").map(|r| r.n), Some(65535));
        assert_eq!(lookup("DataDisk.65536.Size"), None);
        assert_eq!(lookup("DataDisk.1.Size.2"), None);
        assert_eq!(
            lookup("Ipv6AddressCount"),
            Some(ParamRef::plain(ParamId::Ipv6AddressCount))
        );
    }

    #[test]
    fn display_writes_the_wire_name() {
        assert_eq!(
            ParamRef::at(ParamId::DataDiskSize, 3).to_string(),
            "DataDisk.3.Size"
        );
        assert_eq!(
            ParamRef::plain(ParamId::SystemDiskCategory).to_string(),
            "SystemDisk.Category"
        );
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = specs().iter().map(|p| p.name).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }
}
