//! API editions: which RunInstances ecsim predicts. Today's API (`current`, the default) and
//! the 2018 reference page (`reference-2018`) differ only in data: `data/editions/*.json`
//! holds each edition's limits, which catalog rows exist, whether messages are the
//! reference's wording, which renamed codes apply and which rules are off. Rules read the
//! edition through the world ([`crate::world::World::edition`]); nothing else branches on it.
//! `docs/editions.md` lists every difference with its source.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::catalog::errors::{Entry, ErrorKey, Origin};
use crate::request::typed::{DiskCategory, PerformanceLevel};

/// An edition's name, as given to `--edition` and a scenario's `"edition"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum EditionId {
    /// Today's API (the OpenAPI metadata of 2025-12-19).
    #[default]
    Current,
    /// The 2018 reference page, exactly as ecsim modeled it.
    Reference2018,
}

impl EditionId {
    /// Every edition, default first.
    pub const ALL: &'static [EditionId] = &[EditionId::Current, EditionId::Reference2018];

    pub fn name(self) -> &'static str {
        match self {
            EditionId::Current => "current",
            EditionId::Reference2018 => "reference-2018",
        }
    }

    /// Parses an edition name; the error lists the names.
    pub fn parse(s: &str) -> Result<EditionId, String> {
        EditionId::ALL
            .iter()
            .copied()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = EditionId::ALL.iter().map(|e| e.name()).collect();
                format!("unknown edition {s:?}; use one of {}", names.join(", "))
            })
    }

    /// The edition's data.
    pub fn get(self) -> &'static Edition {
        static EDITIONS: OnceLock<[Edition; 2]> = OnceLock::new();
        let all = EDITIONS.get_or_init(|| {
            [
                Edition::from_json(include_str!("../data/editions/current.json")),
                Edition::from_json(include_str!("../data/editions/reference-2018.json")),
            ]
        });
        &all[self as usize]
    }
}

impl fmt::Display for EditionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EditionId {
    type Err = String;
    fn from_str(s: &str) -> Result<EditionId, String> {
        EditionId::parse(s)
    }
}

/// How a data disk without `Category` is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataDiskDefault {
    /// Always `cloud` (the reference).
    Cloud,
    /// `cloud_efficiency` on I/O optimized instances, `cloud` otherwise (today's API).
    IoOptimized,
}

/// The limits that differ between editions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// The row a `Tag.n` beyond `max_tags` answers (its key in data/errors.csv).
    pub tag_count_error: String,
    /// Whether HostName and InstanceName may carry the sequential pattern
    /// `prefix[begin,bits]suffix` (and HostName the `${instance_id}` placeholder).
    pub name_patterns: bool,
    /// Highest `n` of `Tag.n.*`.
    pub max_tags: u16,
    /// Characters in a tag key.
    pub tag_key_max_chars: usize,
    /// Decoded UserData bytes.
    pub user_data_max_bytes: usize,
    /// Character classes (upper, lower, digit, special) a password needs.
    pub password_min_classes: u8,
    /// The special characters a password may use.
    pub password_specials: String,
    /// Windows passwords may not start with `/`.
    pub windows_password_no_leading_slash: bool,
    /// Longest host name on every system (Linux and others; Windows has its own 15).
    pub host_name_max: usize,
    pub data_disk_default: DataDiskDefault,
    /// The smallest SystemDisk.Size of any category, checked while typing the request.
    pub system_disk_min_any: u32,
    /// Categories a type must list explicitly in SupportedDiskCategories to take them.
    pub need_listing: Vec<String>,
    /// GiB ranges of the system disk by category (`cloud_essd:PL1` for ESSD levels).
    pub system_disk_sizes: BTreeMap<String, (u32, u32)>,
    /// GiB ranges of data disks by category.
    pub data_disk_sizes: BTreeMap<String, (u32, u32)>,
}

/// One edition's data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    pub name: String,
    pub title: String,
    /// Whether the parameters beyond the 2018 reference (params.csv `editions = current`) exist.
    pub current_params: bool,
    /// Whether rows answer with their `reference_message` where they have one.
    pub reference_messages: bool,
    /// Whether rows with `replaced_by` answer as their replacement (renamed codes).
    pub replacements: bool,
    /// Whether today's rows (errors.csv `editions = current`) exist in the edition.
    pub current_rows: bool,
    /// Rules of the registry that do not run in this edition.
    pub rules_off: Vec<String>,
    pub limits: Limits,
    /// The size tables indexed by [`slot`] (system, data), built once at load: `check` asks
    /// them for every disk of every request.
    #[serde(skip)]
    ranges: [Vec<Option<(u32, u32)>>; 2],
}

/// The index of a (category, level) pair in [`Edition::ranges`]: one slot per category, and
/// the four ESSD levels after them.
fn slot(cat: DiskCategory, pl: Option<PerformanceLevel>) -> usize {
    let n = DiskCategory::ALL.len();
    if cat == DiskCategory::CloudEssd {
        let pl = pl.unwrap_or(PerformanceLevel::PL1);
        let i = PerformanceLevel::ALL
            .iter()
            .position(|p| *p == pl)
            .unwrap_or(1);
        return n + i;
    }
    DiskCategory::ALL
        .iter()
        .position(|c| *c == cat)
        .unwrap_or(0)
}

impl Edition {
    fn from_json(text: &str) -> Edition {
        let mut e: Edition =
            serde_json::from_str(text).expect("data/editions/*.json matches Edition (tested)");
        let slots = DiskCategory::ALL.len() + PerformanceLevel::ALL.len();
        for (i, table) in [&e.limits.system_disk_sizes, &e.limits.data_disk_sizes]
            .into_iter()
            .enumerate()
        {
            let mut v = vec![None; slots];
            for c in DiskCategory::ALL {
                if *c == DiskCategory::CloudEssd {
                    for pl in PerformanceLevel::ALL {
                        v[slot(*c, Some(*pl))] = Edition::sizes(table, *c, Some(*pl));
                    }
                } else {
                    v[slot(*c, None)] = Edition::sizes(table, *c, None);
                }
            }
            e.ranges[i] = v;
        }
        e
    }

    /// Whether a catalog row exists in this edition.
    pub fn has_row(&self, e: &Entry) -> bool {
        e.all_editions || self.current_rows
    }

    /// Whether a rule of the registry runs.
    pub fn rule_on(&self, name: &str) -> bool {
        !self.rules_off.iter().any(|r| r == name)
    }

    /// The row a rule's answer is given as (a renamed code answers as its replacement).
    pub fn answer_key(&self, key: ErrorKey) -> ErrorKey {
        match key.entry().replaced_by {
            Some(k) if self.replacements => k,
            _ => key,
        }
    }

    /// The message template of a row in this edition.
    pub fn message(&self, e: &Entry) -> &'static str {
        match e.reference_message {
            Some(m) if self.reference_messages => m,
            _ => e.message,
        }
    }

    /// The row a tag beyond the edition's count answers.
    pub fn tag_count_key(&self) -> ErrorKey {
        ErrorKey::from_name(&self.limits.tag_count_error)
            .expect("data/editions/*.json names a catalog key (tested)")
    }

    /// When the row is answered, in this edition's terms.
    pub fn condition(&self, e: &Entry) -> &'static str {
        match e.condition_current {
            Some(c) if !self.reference_messages => c,
            _ => e.condition,
        }
    }

    /// What the caller can change, in this edition's terms.
    pub fn hint(&self, e: &Entry) -> &'static str {
        match e.hint_current {
            Some(h) if !self.reference_messages => h,
            _ => e.hint,
        }
    }

    /// The catalog rows of this edition, in file order.
    pub fn rows(&self) -> impl Iterator<Item = &'static Entry> + '_ {
        crate::catalog::errors::entries()
            .iter()
            .filter(move |e| self.has_row(e))
    }

    /// Whether a row's origin is the reference (for `ecsim codes` under the reference edition,
    /// where `both` reads as `reference`).
    pub fn origin_label(&self, e: &Entry) -> &'static str {
        match e.origin {
            Origin::Both if self.reference_messages => "reference",
            Origin::Current if self.reference_messages => "ecsim",
            o => o.as_str(),
        }
    }

    fn sizes(
        table: &BTreeMap<String, (u32, u32)>,
        cat: DiskCategory,
        pl: Option<PerformanceLevel>,
    ) -> Option<(u32, u32)> {
        if cat == DiskCategory::CloudEssd {
            let pl = pl.unwrap_or(PerformanceLevel::PL1);
            return table.get(&format!("cloud_essd:{pl}")).copied();
        }
        table.get(cat.as_str()).copied()
    }

    /// The system disk's size range, `None` when the category is not a system disk here.
    pub fn system_disk_range(
        &self,
        cat: DiskCategory,
        pl: Option<PerformanceLevel>,
    ) -> Option<(u32, u32)> {
        self.ranges[0][slot(cat, pl)]
    }

    /// A data disk's size range, `None` when the category is not a data disk here.
    pub fn data_disk_range(
        &self,
        cat: DiskCategory,
        pl: Option<PerformanceLevel>,
    ) -> Option<(u32, u32)> {
        self.ranges[1][slot(cat, pl)]
    }

    /// Whether a category name is a system (or data) disk category of this edition.
    pub fn takes_category(&self, cat: DiskCategory, system: bool) -> bool {
        let t = &self.ranges[usize::from(!system)];
        if cat == DiskCategory::CloudEssd {
            return PerformanceLevel::ALL
                .iter()
                .any(|pl| t[slot(cat, Some(*pl))].is_some());
        }
        t[slot(cat, None)].is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edition_loads_and_names_itself() {
        for e in EditionId::ALL {
            assert_eq!(e.get().name, e.name());
            assert_eq!(EditionId::parse(e.name()), Ok(*e));
        }
        assert!(EditionId::parse("2019")
            .unwrap_err()
            .contains("reference-2018"));
    }

    #[test]
    fn tag_count_errors_are_rows_of_their_edition() {
        for e in EditionId::ALL {
            let ed = e.get();
            assert!(ed.has_row(ed.tag_count_key().entry()), "{}", e.name());
        }
    }

    #[test]
    fn rules_switched_off_exist() {
        let names: Vec<&str> = crate::validate::rules().iter().map(|r| r.name).collect();
        for e in EditionId::ALL {
            for r in &e.get().rules_off {
                assert!(names.contains(&r.as_str()), "{}: no rule {r}", e.name());
            }
        }
    }

    #[test]
    fn indexed_ranges_agree_with_the_tables() {
        for e in EditionId::ALL {
            let ed = e.get();
            for c in DiskCategory::ALL {
                for pl in [
                    None,
                    Some(PerformanceLevel::PL0),
                    Some(PerformanceLevel::PL3),
                ] {
                    let pl = pl.filter(|_| *c == DiskCategory::CloudEssd);
                    assert_eq!(
                        ed.system_disk_range(*c, pl),
                        Edition::sizes(&ed.limits.system_disk_sizes, *c, pl)
                    );
                    assert_eq!(
                        ed.data_disk_range(*c, pl),
                        Edition::sizes(&ed.limits.data_disk_sizes, *c, pl)
                    );
                }
                let listed = |t: &BTreeMap<String, (u32, u32)>| {
                    t.keys().any(|k| k.split(':').next() == Some(c.as_str()))
                };
                assert_eq!(
                    ed.takes_category(*c, true),
                    listed(&ed.limits.system_disk_sizes)
                );
                assert_eq!(
                    ed.takes_category(*c, false),
                    listed(&ed.limits.data_disk_sizes)
                );
            }
        }
    }

    #[test]
    fn size_tables_name_known_categories() {
        for e in EditionId::ALL {
            let l = &e.get().limits;
            for k in l.system_disk_sizes.keys().chain(l.data_disk_sizes.keys()) {
                let (cat, pl) = k.split_once(':').unwrap_or((k, ""));
                assert!(DiskCategory::parse(cat).is_some(), "{}: {k}", e.name());
                assert!(
                    pl.is_empty() || PerformanceLevel::parse(pl).is_some(),
                    "{k}"
                );
            }
        }
    }

    #[test]
    fn replacements_point_at_rows_of_the_edition() {
        let cur = EditionId::Current.get();
        for e in crate::catalog::errors::entries() {
            if let Some(k) = e.replaced_by {
                assert!(cur.has_row(k.entry()), "{:?} -> {:?}", e.key, k);
            }
        }
    }
}
