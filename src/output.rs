//! Output sets: the one writer of an output directory (`ecsim run --out`, `serve --out`) and
//! the one verifier of it. Commands build every file of a set in memory (pure report
//! writers), then hand the whole set to [`write_set`]; readers trust a directory only through
//! [`verify`].
//!
//! # The contract
//!
//! At every instant, including after a kill or a crash at any point, an output directory
//! either has no `run.json` (the set is incomplete or being written: trust nothing in it), or
//! its `run.json` lists every file of one complete set with its size and SHA-256, and every
//! listed file on disk has exactly that size and checksum. [`write_set`] keeps it so, in
//! this order:
//!
//! 1. the files the previous set owned (its `run.json`, and `.ecsim-pending.json` left by a
//!    run that was cut short) are merged with the new set's names into
//!    `.ecsim-pending.json`, so a run killed later still leaves the next one a list of what
//!    to clean up;
//! 2. the old `run.json` is removed and the directory fsynced, before any file is replaced;
//! 3. temporary files left by killed runs (`.ecsim-PID-N.tmp`) are removed;
//! 4. each file is written to a fresh temporary file in its own directory, created with
//!    `create_new` (O_EXCL: a path or symlink already there is never followed or reused; a
//!    taken name moves on to the next), written, `sync_all`ed and renamed over its name; a
//!    failure removes the temporary file and is an [`Error::Io`] naming the destination;
//! 5. files the older sets owned that the new one does not produce (charts of a renamed
//!    scenario, say) are removed, and every directory touched is fsynced;
//! 6. `run.json` is written last, the same way (temporary file, fsync, rename, directory
//!    fsync);
//! 7. `.ecsim-pending.json` is removed.
//!
//! A manifest beside the files, rather than a staging directory swapped in by rename, keeps
//! the output directory itself (a path users pass around, mount or symlink) and the files
//! that are not ecsim's untouched; a directory cannot be replaced atomically in one rename
//! while it exists anyway. The fsyncs make the order survive a power cut, not only a kill:
//! the data of every file is on disk before the manifest names it.
//!
//! One process writes a directory at a time (calls in one process are serialised here);
//! two processes writing one directory at once is not supported.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The manifest's file name, in the output directory.
pub const MANIFEST: &str = "run.json";

/// The list of files owned by a set being written; present only while a write is under way
/// or after one was cut short.
const PENDING: &str = ".ecsim-pending.json";

/// The manifest's format version; [`verify`] refuses others.
pub const FORMAT: u32 = 1;

/// The largest manifest or pending list read, in bytes.
const MANIFEST_CAP: u64 = crate::limits::MAX_INPUT_BYTES;

/// Temporary names tried before giving up (each taken name moves to the next counter).
const TEMP_TRIES: u32 = 1000;

/// One file of a set: its path inside the output directory, `/`-separated
/// (`charts/quota-wave.usage.svg`), and its bytes.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutFile {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> OutFile {
        OutFile {
            path: path.into(),
            bytes,
        }
    }
}

/// `run.json`: what wrote the set and every file in it. Deterministic: the same inputs and
/// seed give the same bytes (no times, no thread counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The ecsim version that wrote the set.
    pub ecsim: String,
    /// `run` or `serve`.
    pub command: String,
    /// The scenarios of a run, in run order (empty for `serve`).
    #[serde(default)]
    pub scenarios: Vec<ScenarioEntry>,
    /// How a run was made: its command line and inputs (absent for `serve`, and in sets
    /// written before ecsim recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
    /// Every file of the set, by path.
    pub files: Vec<FileEntry>,
}

/// A scenario of the run that wrote the set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioEntry {
    pub name: String,
    pub source: String,
    pub seed: u64,
    pub trials: u32,
    /// The date of the prices the scenario's costs used (the last price file's `as_of`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_date: Option<String>,
}

/// The run manifest's record of how the run was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The command line, program name first, secret-bearing values as `***`
    /// ([`redact_args`]), `--threads` and `--out` left out (the set's bytes depend on neither).
    pub command_line: Vec<String>,
    /// Every input file named on the command line or by a scenario's price files, in first
    /// use order, with its SHA-256.
    pub inputs: Vec<InputEntry>,
}

/// An input file of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl InputEntry {
    /// Reads `path` and checksums it; an unreadable file is an [`Error::Io`] naming it.
    pub fn of(path: &Path) -> crate::Result<InputEntry> {
        let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
        Ok(InputEntry {
            path: path.display().to_string(),
            size: meta.len(),
            sha256: hash_file(path).map_err(|e| Error::io(path, e))?,
        })
    }
}

/// Options left out of a recorded command line with their values: the set's bytes depend on
/// neither (the same run with other threads, or written elsewhere, is the same set).
const UNRECORDED: [&str; 2] = ["--threads", "--out"];

/// A command line fit to print: `--threads` and `--out` with their values left out; a value that follows an
/// option named like a secret (`--password X`), or that is one (`--token=X`,
/// `Password=X`), shown as `***`; user info in a URL (`https://user:pw@host`) as `***@`.
/// Names are secret by [`crate::request::raw::is_secret`], the one redaction rule, or when
/// they name a key, token, secret or password in any case.
pub fn redact_args(args: &[String]) -> Vec<String> {
    let secret = |name: &str| {
        let n = name.trim_start_matches('-');
        let lower = n.to_ascii_lowercase();
        crate::request::raw::is_secret(n)
            || [
                "password",
                "secret",
                "token",
                "key",
                "credential",
                "signature",
            ]
            .iter()
            .any(|w| lower.contains(w))
    };
    let mut out = Vec::with_capacity(args.len());
    let mut hide_next = false;
    let mut skip_next = false;
    for (i, a) in args.iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if hide_next {
            out.push("***".to_string());
            hide_next = false;
            continue;
        }
        if i > 0 && UNRECORDED.contains(&a.as_str()) {
            skip_next = true;
            continue;
        }
        if i > 0 && UNRECORDED.iter().any(|o| a.starts_with(&format!("{o}="))) {
            continue;
        }
        if let Some((name, _)) = a.split_once('=') {
            if secret(name) {
                out.push(format!("{name}=***"));
                continue;
            }
        }
        if i > 0 && a.starts_with("--") && secret(a) {
            out.push(a.clone());
            hide_next = true;
            continue;
        }
        out.push(hide_url_user(a));
    }
    out
}

/// `scheme://user:pw@host/...` with the user info as `***`.
fn hide_url_user(a: &str) -> String {
    if let Some(i) = a.find("://") {
        let rest = &a[i + 3..];
        let end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            return format!("{}***{}", &a[..i + 3], &rest[at..]);
        }
    }
    a.to_string()
}

/// A file of the set: its path inside the directory, size in bytes and SHA-256 (lower-case
/// hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What wrote a set, for its manifest.
#[derive(Debug, Clone)]
pub struct SetInfo {
    pub command: &'static str,
    pub scenarios: Vec<ScenarioEntry>,
}

/// [`write_set`] for a run, with its [`RunInfo`] in the manifest.
pub fn write_run_set(
    dir: &Path,
    info: SetInfo,
    run: RunInfo,
    files: &[OutFile],
) -> crate::Result<Manifest> {
    write_set_with(dir, info, Some(run), files)
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Pending {
    files: BTreeSet<String>,
}

/// Serialises [`write_set`] within a process (`serve` can be asked for two reports at once).
static WRITING: Mutex<()> = Mutex::new(());

/// Counter of temporary names within the process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `files` into `dir` (created if missing) as one set, following the contract in the
/// module docs, and returns the manifest written.
pub fn write_set(dir: &Path, info: SetInfo, files: &[OutFile]) -> crate::Result<Manifest> {
    write_set_with(dir, info, None, files)
}

fn write_set_with(
    dir: &Path,
    info: SetInfo,
    run: Option<RunInfo>,
    files: &[OutFile],
) -> crate::Result<Manifest> {
    let _guard = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    let mut new = BTreeSet::new();
    for f in files {
        if !is_set_path(&f.path) || !new.insert(f.path.as_str()) {
            return Err(Error::Usage(format!(
                "internal: {:?} is not a file name an output set can hold once",
                f.path
            )));
        }
    }
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;

    // 1. Everything an earlier set may have left, then the new names, kept in the pending list.
    let mut owned: BTreeSet<String> = listed(&dir.join(MANIFEST))
        .into_iter()
        .chain(listed(&dir.join(PENDING)))
        .filter(|p| is_set_path(p))
        .collect();
    owned.extend(new.iter().map(|p| p.to_string()));
    let pending = serde_json::to_vec_pretty(&Pending {
        files: owned.clone(),
    })
    .expect("the pending list serialises");
    put(dir, PENDING, &pending)?;
    sync_dir(dir)?;

    // 2. No manifest from here until the new set is complete.
    remove_file_if_present(&dir.join(MANIFEST))?;
    sync_dir(dir)?;

    // 3. Temporary files of killed runs, in every directory the sets use.
    let subdirs: BTreeSet<PathBuf> = owned
        .iter()
        .filter(|p| real_parents(dir, p))
        .map(|p| parent_of(dir, p))
        .collect();
    for d in &subdirs {
        remove_stale_temps(d);
    }

    // 4. The files, each through a fresh temporary file; their directories first, then the
    // files in parallel on I/O threads of their own (each write waits on its own fsync; the
    // first error in set order is reported, and the set stays without a manifest either way).
    let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
    touched.insert(dir.to_path_buf());
    for f in files {
        ensure_subdirs(dir, &f.path)?;
        touched.insert(parent_of(dir, &f.path));
    }
    let mut entries = on_io_threads(files, |f| {
        let name = f.path.rsplit('/').next().expect("a set path has a name");
        put(&parent_of(dir, &f.path), name, &f.bytes)?;
        Ok(FileEntry {
            path: f.path.clone(),
            size: f.bytes.len() as u64,
            sha256: sha256_hex(&f.bytes),
        })
    })?;

    // 5. Files of older sets that this one does not have, then their directories if empty.
    for stale in owned.iter().filter(|p| !new.contains(p.as_str())) {
        if !real_parents(dir, stale) {
            continue;
        }
        let path = dir.join(stale);
        match fs::symlink_metadata(&path) {
            Ok(m) if !m.is_dir() => {
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                let parent = parent_of(dir, stale);
                if parent != dir && fs::remove_dir(&parent).is_ok() {
                    touched.remove(&parent);
                } else {
                    touched.insert(parent);
                }
            }
            _ => {}
        }
    }
    for d in &touched {
        sync_dir(d)?;
    }

    // 6. The manifest, last.
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        format: FORMAT,
        ecsim: env!("CARGO_PKG_VERSION").to_string(),
        command: info.command.to_string(),
        scenarios: info.scenarios,
        run,
        files: entries,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    put(dir, MANIFEST, &bytes)?;
    sync_dir(dir)?;

    // 7. Nothing is pending any more.
    remove_file_if_present(&dir.join(PENDING))?;
    sync_dir(dir)?;
    Ok(manifest)
}

/// Why a directory's set cannot be trusted.
#[derive(Debug, thiserror::Error)]
pub enum Unverified {
    /// No `run.json`: the set was never completed, or is being written.
    #[error("{}: no manifest: the output set is incomplete or still being written; run again", .0.display())]
    NoManifest(PathBuf),
    /// A `run.json` that is not a manifest this ecsim reads.
    #[error("{}: {message}", path.display())]
    BadManifest { path: PathBuf, message: String },
    /// Listed files that are missing or differ.
    #[error("{}", list(.0))]
    Files(Vec<Mismatch>),
}

/// A listed file that does not match its manifest entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub path: PathBuf,
    pub problem: Problem,
}

/// How a listed file differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not on disk.
    Missing,
    /// Not a regular file (a directory, a device).
    NotAFile,
    /// A path outside the directory (absolute, or with `..`).
    OutsideDirectory,
    /// A size other than listed.
    Size { listed: u64, actual: u64 },
    /// The listed size, other bytes.
    Checksum,
    /// Cannot be read.
    Unreadable(String),
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.path.display();
        match &self.problem {
            Problem::Missing => write!(f, "{p}: listed in run.json but missing"),
            Problem::NotAFile => write!(f, "{p}: listed in run.json but not a regular file"),
            Problem::OutsideDirectory => {
                write!(
                    f,
                    "{p}: listed in run.json with a path outside the directory"
                )
            }
            Problem::Size { listed, actual } => write!(
                f,
                "{p}: {actual} bytes, run.json lists {listed}: changed or truncated since the run"
            ),
            Problem::Checksum => write!(
                f,
                "{p}: SHA-256 differs from run.json: changed since the run"
            ),
            Problem::Unreadable(e) => write!(f, "{p}: cannot be read: {e}"),
        }
    }
}

fn list(m: &[Mismatch]) -> String {
    let lines: Vec<String> = m.iter().map(|m| m.to_string()).collect();
    lines.join("\n")
}

/// Reads `dir/run.json` and checks every listed file's size and SHA-256. A reader of an
/// output directory (report.html's charts, a comparison of two runs) trusts only a manifest
/// this returns.
pub fn verify(dir: &Path) -> Result<Manifest, Unverified> {
    let path = dir.join(MANIFEST);
    let bad = |message: String| Unverified::BadManifest {
        path: path.clone(),
        message,
    };
    let text = match read_small(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Unverified::NoManifest(path.clone()))
        }
        Err(e) => return Err(bad(format!("cannot be read: {e}"))),
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "{}:{}: not an ecsim manifest: {e}",
            e.line(),
            e.column()
        ))
    })?;
    if manifest.format != FORMAT {
        return Err(bad(format!(
            "manifest format {} is not {FORMAT}, the one this ecsim {} reads; verify it with \
             the ecsim that wrote it ({})",
            manifest.format,
            env!("CARGO_PKG_VERSION"),
            manifest.ecsim
        )));
    }
    let mismatches: Vec<Mismatch> = manifest
        .files
        .iter()
        .filter_map(|f| {
            check_file(dir, f).map(|problem| Mismatch {
                path: dir.join(&f.path),
                problem,
            })
        })
        .collect();
    if mismatches.is_empty() {
        Ok(manifest)
    } else {
        Err(Unverified::Files(mismatches))
    }
}

/// The problem with one listed file, if any.
fn check_file(dir: &Path, f: &FileEntry) -> Option<Problem> {
    if !is_relative_inside(&f.path) {
        return Some(Problem::OutsideDirectory);
    }
    let path = dir.join(&f.path);
    let meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(Problem::Missing),
        Err(e) => return Some(Problem::Unreadable(e.to_string())),
    };
    if !meta.is_file() {
        return Some(Problem::NotAFile);
    }
    if meta.len() != f.size {
        return Some(Problem::Size {
            listed: f.size,
            actual: meta.len(),
        });
    }
    match hash_file(&path) {
        Ok(h) if h == f.sha256 => None,
        Ok(_) => Some(Problem::Checksum),
        Err(e) => Some(Problem::Unreadable(e.to_string())),
    }
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Reads a manifest or pending list: a regular file (so a FIFO cannot block), capped.
fn read_small(path: &Path) -> io::Result<String> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut text = String::new();
    File::open(path)?
        .take(MANIFEST_CAP + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MANIFEST_CAP {
        return Err(io::Error::other("larger than any manifest ecsim writes"));
    }
    Ok(text)
}

/// The paths a manifest or pending list names; nothing when it is absent or unreadable (a
/// foreign file is not a list of what to remove).
fn listed(path: &Path) -> Vec<String> {
    let Ok(text) = read_small(path) else {
        return Vec::new();
    };
    if let Ok(m) = serde_json::from_str::<Manifest>(&text) {
        return m.files.into_iter().map(|f| f.path).collect();
    }
    serde_json::from_str::<Pending>(&text)
        .map(|p| p.files.into_iter().collect())
        .unwrap_or_default()
}

/// A relative path of normal components only: no root, no `..`, no `.`, no empty parts.
fn is_relative_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|c| !c.is_empty())
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// A path a set may hold: inside the directory, and neither the manifest, the pending list
/// nor a temporary name.
fn is_set_path(path: &str) -> bool {
    is_relative_inside(path)
        && path != MANIFEST
        && path != PENDING
        && !is_temp_name(path.rsplit('/').next().unwrap_or(path))
}

/// `.ecsim-PID-N.tmp`.
fn is_temp_name(name: &str) -> bool {
    let Some(mid) = name
        .strip_prefix(".ecsim-")
        .and_then(|r| r.strip_suffix(".tmp"))
    else {
        return false;
    };
    let mut parts = mid.split('-');
    let digits =
        |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
}

/// The directory a set path's file lives in.
fn parent_of(dir: &Path, path: &str) -> PathBuf {
    match path.rsplit_once('/') {
        Some((parent, _)) => dir.join(parent),
        None => dir.to_path_buf(),
    }
}

/// Whether every directory between `dir` and the file is a real directory (not a symlink),
/// so removing a stale file cannot reach outside `dir`.
fn real_parents(dir: &Path, path: &str) -> bool {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            _ => return false,
        }
    }
    true
}

/// Creates the directories of a set path inside `dir`; one that exists must be a real
/// directory (a symlink there would send the set elsewhere).
fn ensure_subdirs(dir: &Path, path: &str) -> crate::Result<()> {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::io(
                    &at,
                    io::Error::other(
                        "exists and is not a directory; move it away, or choose another --out",
                    ),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&at).map_err(|e| Error::io(&at, e))?;
                sync_dir(at.parent().unwrap_or(dir))?;
            }
            Err(e) => return Err(Error::io(&at, e)),
        }
    }
    Ok(())
}

/// Threads that write a set's files at most. A file's write mostly waits on its fsync, and
/// the file system can commit fsyncs that wait together in one journal commit; with one
/// thread per core (rayon's pool) they queued two at a time. Measured while another build
/// shared the cores: README's main command 1.14 s → 0.84 s wall, median of 11 (docs/benchmarks.md,
/// "Charts drawn for less").
const IO_THREADS: usize = 16;

/// `f` over `items` on up to [`IO_THREADS`] scoped threads, the results in `items`' order; the
/// first error in that order wins.
fn on_io_threads<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> crate::Result<R> + Sync,
) -> crate::Result<Vec<R>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = items.len().min(IO_THREADS);
    let mut done: Vec<(usize, crate::Result<R>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break out };
                        out.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(out) => out,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Writes `dir/name` through a fresh temporary file: create_new, write, sync_all, rename.
/// On failure the temporary file is removed and the error names `dir/name`.
fn put(dir: &Path, name: &str, bytes: &[u8]) -> crate::Result<()> {
    let dest = dir.join(name);
    let fail = |e: io::Error, what: &str| {
        Error::io(
            &dest,
            io::Error::new(
                e.kind(),
                format!(
                    "{what}: {e}; the output set stays incomplete (no {MANIFEST}): fix this and \
                     run again, or choose another --out"
                ),
            ),
        )
    };
    let (tmp, mut file) =
        create_temp(dir).map_err(|e| fail(e, "cannot create a file beside it"))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| fail(e, "cannot write it"));
    drop(file);
    let done = written.and_then(|()| {
        fs::rename(&tmp, &dest).map_err(|e| {
            let what = if fs::symlink_metadata(&dest).is_ok_and(|m| m.is_dir()) {
                "a directory is in the way"
            } else {
                "cannot put it in place"
            };
            fail(e, what)
        })
    });
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done
}

/// A new, empty temporary file in `dir` that did not exist before (O_EXCL).
fn create_temp(dir: &Path) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for _ in 0..TEMP_TRIES {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".ecsim-{pid}-{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{TEMP_TRIES} temporary names were all taken"),
    ))
}

/// Removes `.ecsim-PID-N.tmp` files in `dir` (left by killed runs); best effort.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_str().is_some_and(is_temp_name) {
            let _ = fs::remove_file(e.path());
        }
    }
}

fn remove_file_if_present(path: &Path) -> crate::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Makes the renames and removals in `dir` durable.
fn sync_dir(dir: &Path) -> crate::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> SetInfo {
        SetInfo {
            command: "run",
            scenarios: Vec::new(),
        }
    }

    #[test]
    fn io_threads_keep_the_order_and_report_the_first_error_in_it() {
        let items: Vec<usize> = (0..IO_THREADS * 5 + 3).collect();
        let doubled = on_io_threads(&items, |i| Ok(i * 2)).expect("no error");
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let failed = on_io_threads(&items, |&i| {
            if i % 7 == 3 {
                Err(Error::Usage(format!("item {i}")))
            } else {
                Ok(i)
            }
        });
        match failed {
            Err(Error::Usage(m)) => assert_eq!(m, "item 3"),
            other => panic!("expected the first error, got {other:?}"),
        }
        assert!(on_io_threads(&[] as &[usize], |&i| Ok(i))
            .expect("empty")
            .is_empty());
    }

    #[test]
    fn command_lines_hide_secrets_and_threads() {
        let args: Vec<String> = [
            "ecsim",
            "run",
            "a.json",
            "--threads",
            "4",
            "--threads=2",
            "--password",
            "hunter2",
            "--token=abc",
            "Password=pw1",
            "--prices",
            "https://me:pw2@example.invalid/p.json",
            "--out",
            "out",
        ]
        .map(String::from)
        .to_vec();
        let shown = redact_args(&args);
        assert_eq!(
            shown,
            [
                "ecsim",
                "run",
                "a.json",
                "--password",
                "***",
                "--token=***",
                "Password=***",
                "--prices",
                "https://***@example.invalid/p.json",
            ]
        );
        let all = shown.join(" ");
        for secret in ["hunter2", "abc", "pw1", "pw2"] {
            assert!(!all.contains(secret), "{all}");
        }
    }

    #[test]
    fn a_run_manifest_records_its_command_and_inputs_and_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.json");
        fs::write(&input, "abc").unwrap();
        let run = RunInfo {
            command_line: vec!["ecsim".into(), "run".into()],
            inputs: vec![InputEntry::of(&input).unwrap()],
        };
        let out = dir.path().join("out");
        let m = write_run_set(
            &out,
            info(),
            run.clone(),
            &[OutFile::new("a.csv", b"x".to_vec())],
        )
        .unwrap();
        assert_eq!(m.run.as_ref(), Some(&run));
        assert_eq!(
            run.inputs[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let text = fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(
            text.contains("\"command_line\"") && text.contains("\"inputs\""),
            "{text}"
        );
        assert_eq!(verify(&out).unwrap(), m);
        assert!(InputEntry::of(&dir.path().join("missing.json")).is_err());
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        assert!(is_temp_name(".ecsim-12-0.tmp"));
        for not in [
            ".ecsim-12.tmp",
            ".ecsim-a-1.tmp",
            ".ecsim-1-2-3.tmp",
            "ecsim-1-2.tmp",
        ] {
            assert!(!is_temp_name(not), "{not}");
        }
    }

    #[test]
    fn set_paths_stay_inside_the_directory() {
        for ok in ["a.csv", "charts/a.usage.svg", "...failures.svg"] {
            assert!(is_set_path(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            "run.json",
            "a\\b",
        ] {
            assert!(!is_set_path(bad), "{bad}");
        }
    }

    #[test]
    fn the_manifest_lists_sizes_and_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let m = write_set(
            dir.path(),
            info(),
            &[
                OutFile::new("b.csv", b"abc".to_vec()),
                OutFile::new("charts/a.svg", Vec::new()),
            ],
        )
        .unwrap();
        let paths: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["b.csv", "charts/a.svg"]);
        // The FIPS 180-2 test vectors.
        assert_eq!(
            m.files[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            m.files[1].sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(verify(dir.path()).unwrap(), m);
        assert!(!dir.path().join(PENDING).exists());
    }

    #[test]
    fn a_duplicate_or_escaping_path_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for files in [
            vec![OutFile::new("../x", Vec::new())],
            vec![OutFile::new("a", Vec::new()), OutFile::new("a", Vec::new())],
        ] {
            assert!(matches!(
                write_set(&out, info(), &files),
                Err(Error::Usage(_))
            ));
        }
        assert!(!out.exists());
    }

    #[test]
    fn a_tampered_pending_list_cannot_remove_files_outside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let outside = dir.path().join("keep.txt");
        fs::write(&outside, "mine").unwrap();
        fs::create_dir_all(&out).unwrap();
        fs::write(
            out.join(PENDING),
            r#"{"files": ["../keep.txt", "/tmp/x", "old.csv"]}"#,
        )
        .unwrap();
        fs::write(out.join("old.csv"), "old").unwrap();
        write_set(&out, info(), &[OutFile::new("new.csv", b"n".to_vec())]).unwrap();
        assert_eq!(fs::read_to_string(&outside).unwrap(), "mine");
        assert!(!out.join("old.csv").exists(), "listed by the pending list");
    }

    #[cfg(unix)]
    #[test]
    fn a_taken_temporary_name_is_skipped_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        fs::write(&target, "keep").unwrap();
        // Symlinks at the next temporary names this process will try.
        let next = TEMP_COUNTER.load(Ordering::Relaxed);
        let pid = std::process::id();
        let taken: Vec<PathBuf> = (next..next + 200)
            .map(|n| dir.path().join(format!(".ecsim-{pid}-{n}.tmp")))
            .collect();
        for t in &taken {
            std::os::unix::fs::symlink(&target, t).unwrap();
        }
        put(dir.path(), "a.csv", b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
        assert_eq!(fs::read_to_string(dir.path().join("a.csv")).unwrap(), "new");
        assert!(taken.iter().all(|t| fs::symlink_metadata(t).is_ok()));
    }

    #[test]
    fn a_symlinked_subdirectory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(&out).unwrap();
        fs::create_dir_all(&elsewhere).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&elsewhere, out.join("charts")).unwrap();
            let e = write_set(&out, info(), &[OutFile::new("charts/a.svg", b"x".to_vec())])
                .unwrap_err()
                .to_string();
            assert!(e.contains("charts: exists and is not a directory"), "{e}");
            assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
            assert!(!out.join(MANIFEST).exists());
        }
    }
}
