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

/// One parameter row.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub id: ParamId,
    /// Wire name; `n` marks the index of a repeated parameter (`DataDisk.n.Size`).
    pub name: &'static str,
    pub kind: Kind,
    pub origin: ParamOrigin,
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
        self.spec().name.contains(".n.")
    }
}

/// A parameter as named on the wire: its row plus the index for repeated ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamRef {
    pub id: ParamId,
    /// 1-based index for `DataDisk.n.*` and `Tag.n.*`; 0 otherwise.
    pub n: u16,
}

impl ParamRef {
    pub fn plain(id: ParamId) -> ParamRef {
        ParamRef { id, n: 0 }
    }

    pub fn at(id: ParamId, n: u16) -> ParamRef {
        ParamRef { id, n }
    }
}

impl fmt::Display for ParamRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.id.spec().name;
        match name.split_once(".n.") {
            Some((head, tail)) => write!(f, "{head}.{}.{tail}", self.n),
            None => f.write_str(name),
        }
    }
}

/// Plain names, and indexed names by (head, tail): `DataDisk.n.Size` → ("DataDisk", "Size").
struct Index {
    plain: HashMap<&'static str, ParamId>,
    indexed: HashMap<(&'static str, &'static str), ParamId>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index {
            plain: HashMap::new(),
            indexed: HashMap::new(),
        };
        for p in PARAMS.iter() {
            match p.name.split_once(".n.") {
                Some(ht) => ix.indexed.insert(ht, p.id),
                None => ix.plain.insert(p.name, p.id),
            };
        }
        ix
    })
}

/// Resolves a wire name: `DataDisk.3.Size` → (DataDiskSize, 3). Indices must be decimal
/// numbers from 1 to 65535; anything else is unknown.
pub fn lookup(name: &str) -> Option<ParamRef> {
    let ix = index();
    if let Some(&id) = ix.plain.get(name) {
        return Some(ParamRef::plain(id));
    }
    let mut parts = name.splitn(3, '.');
    let (head, idx, tail) = (parts.next()?, parts.next()?, parts.next()?);
    if idx.is_empty() || !idx.bytes().all(|b| b.is_ascii_digit()) || idx.starts_with('0') {
        return None;
    }
    let n: u16 = idx.parse().ok()?;
    ix.indexed.get(&(head, tail)).map(|&id| ParamRef::at(id, n))
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
        assert_eq!(lookup("DataDisk.n.Size"), None);
        assert_eq!(lookup("DataDisk.03.Size"), None);
        assert_eq!(lookup("DataDisk.0.Size"), None);
        assert_eq!(lookup("DataDisk.1.Colour"), None);
        assert_eq!(lookup("Regionid"), None);
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
