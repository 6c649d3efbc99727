//! Wire forms → raw requests.
//!
//! Accepted: a JSON object of flat parameters (string values as SDKs send them; numbers and
//! booleans also taken), a JSON array of such objects, JSON Lines (one object per line), and
//! query strings or whole URLs (`https://ecs.aliyuncs.com/?Action=RunInstances&...`), one per
//! line, percent-decoded. In a query line an unencoded `#`, a name that is not letters, digits
//! and `.`, and an unknown name after a secret pair are bad input, placed at their column and
//! never echoed (each may be a piece of a value cut by an unencoded `&`). Nested values
//! (`"DataDisk": [{...}]`) are flattened as the SDKs flatten them
//! ([`sdk_map`](crate::input::sdk_map)), and a line whose first word is `aliyun` is an aliyun
//! CLI command ([`cli_line`](crate::input::cli_line)), in query lines and JSON Lines alike.
//!
//! A leading UTF-8 byte-order mark is skipped in every form. [`open`] reads an input from a
//! reader: JSON Lines and query lines come back as a [`LineReader`] that yields [`Batch`]es
//! of whole lines (memory stays flat in the input's size); a JSON document (an array, or one
//! object over several lines) is read whole under [`MAX_REQUEST_BYTES`](crate::limits). A byte
//! that is not UTF-8 is an input error at its line, column and byte offset.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::raw::RawRequest;
use crate::error::{Error, Place, Result};
use crate::input::{cli_line, sdk_map};

/// Reads every request in `text`, which came from `source` (a path, `-`, or `argument N`).
pub fn parse_text(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::input(
            Place::new(source),
            "no request found; give a JSON object of flat parameters, JSON Lines, or a query string",
        ));
    }
    match trimmed.as_bytes()[0] {
        b'[' => parse_json_array(source, text),
        b'{' => {
            // One object spanning the whole text, or JSON Lines.
            if is_json_lines(text) {
                parse_json_lines(source, text)
            } else {
                let line = first_content_line(text);
                let mut req = parse_json_object(source, line, trimmed)?;
                req.source = format!("{source}:{line}");
                Ok(vec![req])
            }
        }
        _ => parse_query_lines(source, text),
    }
}

fn first_content_line(text: &str) -> usize {
    text.lines()
        .position(|l| !l.trim().is_empty())
        .map_or(1, |i| i + 1)
}

/// Whether `text` is JSON Lines: more than one non-blank line, each a `{...}` object.
pub fn is_json_lines(text: &str) -> bool {
    let mut n = 0;
    for l in text.lines() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if !(t.starts_with('{') && t.ends_with('}')) {
            return false;
        }
        n += 1;
    }
    n > 1
}

/// The non-blank lines of `text` with their 1-based numbers.
pub fn content_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect()
}

/// JSON Lines: one flat object per non-blank line.
pub fn parse_json_lines(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    parse_lines(source, &content_lines(text))
}

/// Numbered JSON lines, parsed in parallel; the first error in line order is reported,
/// whatever the thread count.
pub fn parse_lines(source: &str, lines: &[(usize, &str)]) -> Result<Vec<RawRequest>> {
    use rayon::prelude::*;
    let parsed: Vec<Result<RawRequest>> = lines
        .par_iter()
        .with_min_len(256)
        .map(|(n, l)| parse_json_object(source, *n, l))
        .collect();
    parsed.into_iter().collect()
}

fn parse_json_array(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    let values: Vec<Value> = serde_json::from_str(text).map_err(|e| json_error(source, 0, &e))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let src = format!("{source}[{i}]");
            match v {
                Value::Object(map) => {
                    let mut req = RawRequest::new(src);
                    let style = sdk_map::style_of(map.values());
                    for (k, v) in map {
                        push_json_value(&mut req, &k, v, style)?;
                    }
                    Ok(req)
                }
                _ => Err(Error::input(
                    Place::new(src),
                    "each array element must be an object of flat RunInstances parameters",
                )),
            }
        })
        .collect()
}

/// One flat JSON object on line `line` (1-based) of `source`.
pub fn parse_json_object(source: &str, line: usize, text: &str) -> Result<RawRequest> {
    let mut de = serde_json::Deserializer::from_str(text);
    let members = de
        .deserialize_map(MembersVisitor)
        .and_then(|p| de.end().map(|_| p))
        .map_err(|e| json_error(source, line.saturating_sub(1), &e))?;
    let mut req = RawRequest::new(line_source(source, line));
    req.params.reserve(members.len());
    let style = sdk_map::style_of(members.iter().filter_map(|(_, v)| match v {
        Member::Text(_) => None,
        Member::Value(v) => Some(v),
    }));
    for (k, v) in members {
        match v {
            // The usual member: a string, pushed without a detour through `Value`.
            Member::Text(t) => sdk_map::push_scalar(&mut req, &k, t.into_owned(), style),
            Member::Value(v) => push_json_value(&mut req, &k, v, style)?,
        }
    }
    Ok(req)
}

/// `source:line`, as `format!` writes it without its machinery (one per JSON line).
fn line_source(source: &str, line: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = line;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut s = String::with_capacity(source.len() + 1 + digits.len() - at);
    s.push_str(source);
    s.push(':');
    s.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
    s
}

/// A member's value as parsed: a string borrowed from the line when it has no escapes (the
/// usual value), or any other JSON value.
enum Member<'de> {
    Text(Cow<'de, str>),
    Value(Value),
}

impl<'de> de::Deserialize<'de> for Member<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MemberVisitor)
    }
}

/// Reads a member's value as [`Value`] does, keeping strings borrowed.
struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Member::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Member::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Member::Text(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Member::Value(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Member::Value(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Member::Value(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Member::Value(Value::from(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Member::Value(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Member::Value(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        de::Deserialize::deserialize(d).map(Member::Value)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Member::Value)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map)).map(Member::Value)
    }
}

/// A key borrowed from the line when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl std::ops::Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a parameter name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Keeps a line's members in document order, duplicates included, borrowing what it can.
struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Vec<(Key<'de>, Member<'de>)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of flat RunInstances parameters")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(24));
        while let Some(kv) = map.next_entry::<Key<'de>, Member<'de>>()? {
            out.push(kv);
        }
        Ok(out)
    }
}

/// One member of a request object, flattened as the SDKs flatten nested values
/// ([`sdk_map`](crate::input::sdk_map)).
fn push_json_value(req: &mut RawRequest, key: &str, v: Value, style: sdk_map::Style) -> Result<()> {
    sdk_map::push_member(req, key, v, style)
        .map_err(|m| Error::input(Place::new(req.source.clone()), m))
}

fn json_error(source: &str, line_offset: usize, e: &serde_json::Error) -> Error {
    let what = match e.classify() {
        serde_json::error::Category::Data => {
            "expected a JSON object of flat RunInstances parameters".to_string()
        }
        _ => {
            let full = e.to_string();
            let msg = full
                .rfind(" at line ")
                .map_or(full.as_str(), |i| &full[..i]);
            format!("invalid JSON: {}", crate::error::plain(msg))
        }
    };
    let place = if e.line() > 0 {
        Place::at(source, e.line() + line_offset, e.column())
    } else {
        Place::new(source)
    };
    Error::input(place, what)
}

/// Query strings or URLs, one per non-blank line (`#` starts a comment line), and aliyun
/// CLI commands, which may go on over lines that end in `\`.
pub fn parse_query_lines(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    commands(text)
        .into_iter()
        .filter_map(|(n, l)| query_line(source, n, l))
        .collect()
}

/// The lines of `text` with their 1-based numbers, an aliyun command continued over lines
/// (each but its last ending in `\`) as one line: its text, line breaks included.
fn commands(text: &str) -> Vec<(usize, &str)> {
    let mut out: Vec<(usize, &str)> = Vec::new();
    let mut open: Option<cli_line::Open> = None;
    let mut at = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let start = at;
        at += raw.len();
        let end = start + content_len(raw.as_bytes());
        let line = &text[start..end];
        match open {
            Some(o) => {
                let (n, first) = out.pop().expect("an open command has a line");
                let first_start = first.as_ptr() as usize - text.as_ptr() as usize;
                out.push((n, &text[first_start..end]));
                open = cli_line::continues(line.as_bytes(), o);
            }
            None => {
                out.push((i + 1, line));
                if cli_line::is_cli_line(line) {
                    open = cli_line::continues(line.as_bytes(), cli_line::Open::START);
                }
            }
        }
    }
    out
}

/// An aliyun command from line `number` of `source` (its text may span lines).
fn cli_request(source: &str, number: usize, text: &str) -> Result<RawRequest> {
    if text.len() as u64 > crate::limits::MAX_REQUEST_LINE_BYTES {
        return Err(command_too_long(source, number));
    }
    cli_line::parse(&format!("{source}:{number}"), text)
        .map_err(|e| Error::input(Place::at(source, number + e.line, e.column), e.message))
}

fn command_too_long(source: &str, number: usize) -> Error {
    Error::input(
        Place::at(source, number, 1),
        format!(
            "this aliyun command, continued over lines ending in '\\', runs past the {} \
             ceiling for one request; check that its last line does not end in '\\'",
            crate::limits::format_bytes(crate::limits::MAX_REQUEST_LINE_BYTES)
        ),
    )
}

/// Line `number` of a query-lines input: None when it is blank or a comment.
fn query_line(source: &str, number: usize, l: &str) -> Option<Result<RawRequest>> {
    let t = l.trim();
    if t.is_empty() || t.starts_with('#') {
        return None;
    }
    if cli_line::is_cli_line(l) {
        return Some(cli_request(source, number, l));
    }
    let src = format!("{source}:{number}");
    let indent = l[..l.len() - l.trim_start().len()].chars().count();
    Some(read_query(&src, t).map_err(|e| match e.column {
        Some(c) => Error::input(Place::at(source, number, indent + c), e.message),
        None => Error::input(Place::new(src), e.message),
    }))
}

/// How a streamed input is laid out, decided by its first non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One flat JSON object per non-blank line (the first line is a whole `{...}`).
    JsonLines,
    /// One query string or URL per non-blank line; `#` starts a comment line.
    QueryLines,
}

/// A request input once [`open`]ed.
pub enum Opened<R> {
    /// JSON Lines or query lines, to read a batch at a time.
    Lines(LineReader<R>),
    /// A JSON array, or one JSON object over several lines, or a document in a planner's
    /// form: read whole and parsed.
    Document(crate::input::Document),
}

/// The UTF-8 byte-order mark some Windows editors write first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Opens the request input `r`, named `source` (a path, `-`, or `argument N`): skips a UTF-8
/// byte-order mark and blank lines, then decides from the first non-blank line. `[`, or a `{`
/// that does not close on its line, starts a JSON document, read whole (at most
/// [`MAX_REQUEST_BYTES`](crate::limits::MAX_REQUEST_BYTES)) and parsed by [`parse_text`]; a
/// whole `{...}` line starts JSON Lines; anything else starts query lines. A one-line object
/// is JSON Lines of one line, which reads the same as the object.
pub fn open<R: BufRead>(source: &str, mut r: R) -> Result<Opened<R>> {
    use crate::limits::{self, MAX_REQUEST_BYTES};
    let io = |e| Error::io(source, e);
    let (mut number, mut offset) = (1usize, 0u64);
    let (mut blank_lines, mut blank_bytes) = (0usize, 0u64);
    let mut bom = 0u64;
    let mut line = Vec::new();
    let too_long =
        loop {
            line.clear();
            let read = read_line(&mut r, &mut line).map_err(io)?;
            if number == 1 {
                if limits::is_utf16(&line) {
                    return Err(limits::not_utf8(source, 1, 1, 0, true));
                }
                if line.starts_with(BOM) {
                    line.drain(..BOM.len());
                    bom = BOM.len() as u64;
                    offset = bom;
                }
            }
            match read {
                ReadLine::End => return Err(Error::input(
                    Place::new(source),
                    "no request found; give a JSON object of flat parameters, JSON Lines, or a \
                     query string",
                )),
                ReadLine::TooLong => break true,
                ReadLine::Line { .. } if line.trim_ascii().is_empty() => {
                    number += 1;
                    blank_lines += 1;
                    blank_bytes += line.len() as u64;
                    offset += line.len() as u64;
                }
                ReadLine::Line { .. } => break false,
            }
        };
    let content = line.trim_ascii();
    let layout = match content.first() {
        Some(b'{')
            if !too_long && content.ends_with(b"}") && !crate::input::starts_document(content) =>
        {
            Layout::JsonLines
        }
        Some(b'[' | b'{') => {
            // A document: its blank lines stand as bare line breaks, so lines keep their
            // numbers; `skipped` puts byte offsets back on the input's.
            let before = bom + blank_bytes;
            let mut doc = vec![b'\n'; blank_lines];
            doc.extend_from_slice(&line);
            let room = (MAX_REQUEST_BYTES + 1).saturating_sub(before + line.len() as u64);
            r.take(room).read_to_end(&mut doc).map_err(io)?;
            if before + (doc.len() - blank_lines) as u64 > MAX_REQUEST_BYTES {
                return Err(limits::request_document_too_big(source));
            }
            let skipped = before - blank_lines as u64;
            let text = limits::text_of(source, doc, skipped)?;
            // A planner's form (a Terraform plan), else flat wire JSON.
            return crate::input::read_document(source, &text)
                .unwrap_or_else(|| parse_text(source, &text).map(crate::input::Document::of))
                .map(Opened::Document);
        }
        _ if too_long => return Err(line_too_long(source, number)),
        _ => Layout::QueryLines,
    };
    Ok(Opened::Lines(LineReader {
        source: source.to_string(),
        reader: r,
        layout,
        number,
        offset,
        first: Some(line),
        done: false,
    }))
}

fn line_too_long(source: &str, number: usize) -> Error {
    Error::input(
        Place::at(source, number, 1),
        format!(
            "this line runs past the {} ceiling for one request without a line break; a \
             request line holds one JSON object or query string, so this is not a request \
             file or its line breaks were lost; give a file of one request per line \
             (docs/reliability.md)",
            crate::limits::format_bytes(crate::limits::MAX_REQUEST_LINE_BYTES)
        ),
    )
}

/// What [`read_line`] found.
enum ReadLine {
    /// A line (its break included) was appended; `content` is its length without the break.
    Line { content: usize },
    /// No line break within [`MAX_REQUEST_LINE_BYTES`](crate::limits::MAX_REQUEST_LINE_BYTES).
    TooLong,
    /// The input has ended.
    End,
}

/// Appends the next line of `r` to `buf`, its `\n` (or `\r\n`) included, reading at most
/// the line ceiling and its break.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<ReadLine> {
    let cap = crate::limits::MAX_REQUEST_LINE_BYTES;
    let start = buf.len();
    let n = r.take(cap + 2).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(ReadLine::End);
    }
    let content = content_len(&buf[start..]);
    Ok(if content as u64 > cap {
        ReadLine::TooLong
    } else {
        ReadLine::Line { content }
    })
}

/// The length of `line` without its `\n` or `\r\n` (as [`str::lines`] cuts).
fn content_len(line: &[u8]) -> usize {
    match line {
        [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => rest.len(),
        _ => line.len(),
    }
}

/// A JSON Lines or query-lines input, read a [`Batch`] of whole lines at a time.
pub struct LineReader<R> {
    source: String,
    reader: R,
    layout: Layout,
    /// The 1-based number of the next line.
    number: usize,
    /// The byte offset of the next line in the input.
    offset: u64,
    /// The first non-blank line, read by [`open`] (without a byte-order mark).
    first: Option<Vec<u8>>,
    done: bool,
}

impl<R: BufRead> LineReader<R> {
    /// The input's layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The next lines, at most `max_lines` of them, stopping after the line that takes the
    /// batch past `max_bytes`; None once the input has ended. A read that fails (an I/O error,
    /// a line past the ceiling) ends the batch with the error, for after its lines.
    pub fn next_batch(&mut self, max_lines: usize, max_bytes: usize) -> Option<Batch> {
        if self.done {
            return None;
        }
        let mut b = Batch {
            source: self.source.clone(),
            layout: self.layout,
            buf: Vec::with_capacity(max_bytes + (1 << 16)),
            lines: Vec::with_capacity(max_lines.min(1 << 16)),
            base: self.offset,
            error: None,
            open: None,
        };
        if let Some(first) = self.first.take() {
            b.buf.extend_from_slice(&first);
            b.add(self.number, 0, content_len(&first));
            self.number += 1;
        }
        // A batch ends between commands, never inside one continued over lines.
        while (b.lines.len() < max_lines && b.buf.len() < max_bytes) || b.open.is_some() {
            let start = b.buf.len();
            match read_line(&mut self.reader, &mut b.buf) {
                Ok(ReadLine::Line { content }) => {
                    let over = b.add(self.number, start, start + content);
                    self.number += 1;
                    if let Some(first) = over {
                        b.error = Some(command_too_long(&self.source, first));
                        self.done = true;
                        break;
                    }
                }
                Ok(ReadLine::End) => {
                    self.done = true;
                    break;
                }
                Ok(ReadLine::TooLong) => {
                    b.buf.truncate(start);
                    b.error = Some(line_too_long(&self.source, self.number));
                    self.done = true;
                    break;
                }
                Err(e) => {
                    b.buf.truncate(start);
                    b.error = Some(Error::io(&self.source, e));
                    self.done = true;
                    break;
                }
            }
        }
        self.offset = b.base + b.buf.len() as u64;
        (!b.lines.is_empty() || b.error.is_some()).then_some(b)
    }
}

/// Whole lines of one input, as read: the unit `check` parses, predicts and reports before
/// it writes anything of them.
pub struct Batch {
    source: String,
    layout: Layout,
    buf: Vec<u8>,
    lines: Vec<Span>,
    /// The byte offset of `buf[0]` in the input.
    base: u64,
    error: Option<Error>,
    /// Set while the last line is an aliyun command that goes on on the next line.
    open: Option<cli_line::Open>,
}

/// One line of a batch: its number and its bytes in the batch, line break excluded (an
/// aliyun command continued over lines is one span, its inner line breaks included).
#[derive(Debug, Clone, Copy)]
struct Span {
    number: usize,
    start: usize,
    end: usize,
}

impl Batch {
    /// Adds line `number`, joining it to the aliyun command it continues. A command that runs
    /// past the line ceiling is dropped and its first line's number returned.
    fn add(&mut self, number: usize, start: usize, end: usize) -> Option<usize> {
        let line = &self.buf[start..end];
        match self.open {
            Some(o) => {
                self.open = cli_line::continues(line, o);
                let last = self.lines.last_mut().expect("an open command has a line");
                last.end = end;
                if (last.end - last.start) as u64 > crate::limits::MAX_REQUEST_LINE_BYTES {
                    let first = self.lines.pop().expect("just seen");
                    self.buf.truncate(first.start);
                    self.open = None;
                    return Some(first.number);
                }
            }
            None => {
                if cli_line::starts_cli(line) {
                    self.open = cli_line::continues(line, cli_line::Open::START);
                }
                self.lines.push(Span { number, start, end });
            }
        }
        None
    }

    /// The number of lines read, blank ones included (a command continued over lines counts
    /// once).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the batch holds no lines (only a read error).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Whether reading stopped after this batch with an error.
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// The batch's requests in line order, parsed in parallel. The first error in line order
    /// is returned, whatever the thread count: a byte that is not UTF-8, a line that is not a
    /// request, then the read error that ended the batch.
    pub fn parse(self) -> Result<Vec<RawRequest>> {
        use rayon::prelude::*;
        let parsed: Vec<Result<RawRequest>> = self
            .lines
            .par_iter()
            .with_min_len(256)
            .filter_map(|s| self.parse_line(s))
            .collect();
        let reqs = parsed.into_iter().collect::<Result<Vec<_>>>()?;
        match self.error {
            Some(e) => Err(e),
            None => Ok(reqs),
        }
    }

    /// The batch's requests in line order, in chunks of about `chunk` lines parsed in
    /// parallel, each request handed to `step` with its chunk's accumulator (from `init`) as
    /// soon as it is parsed, so a caller that predicts and reports each request need not
    /// hold the batch's requests at once. The accumulators come back in line order. The
    /// error is [`parse`](Self::parse)'s: the first in line order, whatever the thread count
    /// (a chunk stops at its first error; requests before it were stepped already).
    pub fn parse_chunks<A, I, S>(self, chunk: usize, init: I, step: S) -> Result<Vec<A>>
    where
        A: Send,
        I: Fn() -> A + Sync,
        S: Fn(&mut A, RawRequest) + Sync,
    {
        use rayon::prelude::*;
        let done: Vec<Result<A>> = self
            .lines
            .par_chunks(chunk.max(1))
            .map(|lines| {
                let mut acc = init();
                for s in lines {
                    if let Some(r) = self.parse_line(s) {
                        step(&mut acc, r?);
                    }
                }
                Ok(acc)
            })
            .collect();
        let done = done.into_iter().collect::<Result<Vec<_>>>()?;
        match self.error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    fn parse_line(&self, s: &Span) -> Option<Result<RawRequest>> {
        let bytes = &self.buf[s.start..s.end];
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.valid_up_to();
                // A continued command spans lines: place the byte on its own line.
                let before = &bytes[..at];
                let breaks = before.iter().filter(|&&b| b == b'\n').count();
                let line_start = before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                return Some(Err(crate::limits::not_utf8(
                    &self.source,
                    s.number + breaks,
                    crate::limits::utf8_column(&before[line_start..]),
                    self.base + (s.start + at) as u64,
                    false,
                )));
            }
        };
        match self.layout {
            Layout::JsonLines if cli_line::is_cli_line(text) => {
                Some(cli_request(&self.source, s.number, text))
            }
            Layout::JsonLines => {
                (!text.trim().is_empty()).then(|| parse_json_object(&self.source, s.number, text))
            }
            Layout::QueryLines => query_line(&self.source, s.number, text),
        }
    }
}

/// One query string or URL. Line breaks before `&` (as in the reference's example) are
/// tolerated when the whole text is given. Errors name the column within the query text.
pub fn parse_query(source: &str, text: &str) -> Result<RawRequest> {
    if cli_line::is_cli_line(text) {
        return cli_line::parse(source, text).map_err(|e| {
            let line = if e.line > 0 {
                format!("line {}, ", e.line + 1)
            } else {
                String::new()
            };
            Error::input(
                Place::new(source),
                format!("{line}column {} of the command: {}", e.column, e.message),
            )
        });
    }
    let joined: String;
    let text = if text.contains('\n') {
        joined = text.lines().map(str::trim).collect();
        &joined
    } else {
        text
    };
    read_query(source, text).map_err(|e| {
        let message = match e.column {
            Some(c) => format!("column {c} of the query: {}", e.message),
            None => e.message,
        };
        Error::input(Place::new(source), message)
    })
}

/// The fix for a value that a query string's separators cut.
const ENCODE_FIX: &str = "percent-encode `&` and `#` in values (%26, %23)";

/// Why a query text cannot be read, at a 1-based column of it when known. The message never
/// holds text of the query itself: it may be a piece of a secret.
struct QueryError {
    column: Option<usize>,
    message: String,
}

/// Reads one query string or URL (a single line). A `?` starts the query only in a URL or
/// after a prefix without `=` (so a `?` inside a value is kept). Rejected, at their column and
/// without echoing them: an unencoded `#` (which would end the query and drop the rest), a
/// name with characters other than letters, digits and `.`, and, once a secret pair
/// ([`is_secret`](super::raw::is_secret)) has been read, a name ecsim does not know: each may
/// be the tail of a value cut at an unencoded `&`.
fn read_query(source: &str, text: &str) -> std::result::Result<RawRequest, QueryError> {
    let is_url = text.starts_with("http://") || text.starts_with("https://");
    let start = match text.find('?') {
        Some(q) if is_url || !text[..q].contains('=') => q + 1,
        None if is_url => text.len(),
        _ => 0,
    };
    let query = &text[start..];
    let column = |byte: usize| text[..start + byte].chars().count() + 1;
    if let Some(h) = query.find('#') {
        return Err(QueryError {
            column: Some(column(h)),
            message: format!(
                "an unencoded '#' would end the query here and drop the rest of it; {ENCODE_FIX}"
            ),
        });
    }
    if !query.contains('=') {
        return Err(QueryError {
            column: None,
            message: "not a query string: expected name=value pairs joined by '&' \
                      (e.g. RegionId=cn-hangzhou&InstanceType=ecs.g7.large)"
                .into(),
        });
    }
    let mut req = RawRequest::new(source);
    let mut after_secret: Option<String> = None;
    let mut at = 0;
    for seg in query.split('&') {
        let seg_at = at;
        at += seg.len() + 1;
        let Some((k, v)) = form_urlencoded::parse(seg.as_bytes()).next() else {
            continue;
        };
        if k.is_empty() {
            continue;
        }
        if !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
            return Err(QueryError {
                column: Some(column(seg_at)),
                message: format!(
                    "this pair's name is not a parameter name (names hold only letters, digits \
                     and '.'); it may be part of a value cut at an unencoded '&'; {ENCODE_FIX}"
                ),
            });
        }
        if let Some(secret) = &after_secret {
            if crate::catalog::params::lookup(&k).is_none() {
                return Err(QueryError {
                    column: Some(column(seg_at)),
                    message: format!(
                        "this pair follows {secret} and its name is not a parameter ecsim \
                         knows; it may be the rest of {secret}'s value, cut at an unencoded \
                         '&': {ENCODE_FIX}, or remove the unknown parameter"
                    ),
                });
            }
        }
        if after_secret.is_none() && super::raw::is_secret(&k) {
            after_secret = Some(k.to_string());
        }
        req.push(k.into_owned(), v.into_owned());
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_source_is_format_s_text() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            assert_eq!(line_source("a.jsonl", n), format!("a.jsonl:{n}"));
        }
    }

    #[test]
    fn json_object_keeps_order_and_stringifies_scalars() {
        let r = parse_text(
            "a.json",
            r#"{"RegionId":"cn-hangzhou","DataDisk.1.Size":40,"DryRun":true,"X":null}"#,
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        let p: Vec<_> = r[0]
            .params
            .iter()
            .map(|p| (&*p.name, p.value.as_str()))
            .collect();
        assert_eq!(
            p,
            [
                ("RegionId", "cn-hangzhou"),
                ("DataDisk.1.Size", "40"),
                ("DryRun", "true")
            ]
        );
        assert_eq!(r[0].source, "a.json:1");
    }

    #[test]
    fn json_lines_are_numbered() {
        let r = parse_text("b.jsonl", "{\"RegionId\":\"a\"}\n\n{\"RegionId\":\"b\"}\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].source, "b.jsonl:3");
    }

    #[test]
    fn pretty_object_is_one_request() {
        let r = parse_text(
            "c.json",
            "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Amount\": \"2\"\n}\n",
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].get("Amount"), Some("2"));
    }

    #[test]
    fn url_form_is_percent_decoded() {
        let r = parse_text(
            "argument 1",
            "https://ecs.aliyuncs.com/?Action=RunInstances&RegionId=cn-hangzhou&Tag.1.Value=a%20b+c&HostName=x%2Dy",
        )
        .unwrap();
        assert_eq!(r[0].get("Tag.1.Value"), Some("a b c"));
        assert_eq!(r[0].get("HostName"), Some("x-y"));
        assert_eq!(r[0].get("Action"), Some("RunInstances"));
    }

    #[test]
    fn nested_values_were_refused_and_are_flattened_as_the_sdks_do() {
        let r = parse_text(
            "d.json",
            r#"{"DataDisk":[{"Size":40}],"SystemDisk":{"Size":20}}"#,
        )
        .unwrap();
        assert_eq!(r[0].get("DataDisk.1.Size"), Some("40"));
        assert_eq!(r[0].get("SystemDisk.Size"), Some("20"));
        let r = parse_text("d.json", r#"[{"Tag":[{"Key":"a"}]}]"#).unwrap();
        assert_eq!(r[0].get("Tag.1.Key"), Some("a"));
        // what no SDK sends stays an input error, with the fix
        let e = parse_text("d.json", r#"{"DataDisk":[[{"Size":40}]]}"#).unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("d.json:1: DataDisk: a list directly inside"),
            "{m}"
        );
        assert!(m.contains("DataDisk.1.Size"));
    }

    #[test]
    fn cli_lines_mix_with_query_lines_and_continue_across_batches() {
        let text = "# c\nRegionId=a\naliyun ecs RunInstances \\\n  --RegionId b \\\r\n  --Amount 2\naliyun ecs RunInstances --RegionId c\n";
        let r = parse_text("t", text).unwrap();
        let seen: Vec<(&str, Option<&str>)> = r
            .iter()
            .map(|q| (q.source.as_str(), q.get("RegionId")))
            .collect();
        assert_eq!(
            seen,
            [("t:2", Some("a")), ("t:3", Some("b")), ("t:6", Some("c"))]
        );
        assert_eq!(r[1].get("Amount"), Some("2"));
        // streamed, a batch of one line still holds the whole command
        let Ok(Opened::Lines(mut lines)) = opened(text.as_bytes()) else {
            panic!("lines")
        };
        let mut got = Vec::new();
        while let Some(b) = lines.next_batch(1, 1 << 20) {
            got.extend(b.parse().unwrap());
        }
        assert_eq!(got, r);
        // in streamed JSON Lines too, an error placed on the command's own line
        let Ok(Opened::Lines(mut lines)) =
            opened(b"{\"RegionId\":\"a\"}\naliyun ecs RunInstances \\\n --Amount 1 x\n")
        else {
            panic!("lines")
        };
        let e = lines
            .next_batch(10, 1 << 20)
            .unwrap()
            .parse()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t:3:13: a word that no flag takes"), "{e}");
    }

    #[test]
    fn bad_json_names_line_and_column() {
        let e = parse_text("e.jsonl", "{\"RegionId\":\"a\"}\n{\"RegionId\" \"b\"}\n").unwrap_err();
        assert!(e.to_string().starts_with("e.jsonl:2:"), "{e}");
    }

    #[test]
    fn array_of_objects() {
        let r = parse_text("f.json", r#"[{"RegionId":"a"},{"RegionId":"b"}]"#).unwrap();
        assert_eq!(r[1].source, "f.json[1]");
    }

    #[test]
    fn text_without_pairs_is_rejected() {
        assert!(parse_text("g", "hello world").is_err());
        assert!(parse_text("g", "   ").is_err());
    }

    #[test]
    fn an_unencoded_ampersand_in_a_password_echoed_its_tail() {
        let line = "RegionId=cn-hangzhou&Password=Abc&Tail9x!&Amount=2";
        let e = parse_text("q.txt", line).unwrap_err().to_string();
        // the pair after Password, at its column, without its name
        assert!(e.starts_with("q.txt:1:35: "), "{e}");
        assert!(!e.contains("Tail9x") && !e.contains("Abc"), "{e}");
        assert!(e.contains("percent-encode `&` and `#` in values"), "{e}");
        // a tail that looks like a name but is unknown, after a lower-case password
        let e = parse_text("q.txt", "  password=Abc&TailName=1&RegionId=x")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("q.txt:1:16: ") && !e.contains("TailName"),
            "{e}"
        );
        // known names after a secret, and unknown ones before it, are fine
        let r = parse_text("q.txt", "Fancy=1&Password=Abc%26Tail&Amount=2").unwrap();
        assert_eq!(r[0].get("Password"), Some("Abc&Tail"));
        assert_eq!(r[0].get("Fancy"), Some("1"));
    }

    #[test]
    fn an_unencoded_hash_dropped_the_rest_of_the_line() {
        let e = parse_text("q.txt", "RegionId=x&Password=Ab#cd&Amount=2")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("q.txt:1:23: ") && e.contains("'#'"), "{e}");
        assert!(!e.contains("cd&") && e.contains("%23"), "{e}");
        let e = parse_query("s.json:3:9", "RegionId=x&Password=Ab#cd")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.json:3:9: column 23 of the query: "), "{e}");
        let r = parse_text("q.txt", "# a comment\nRegionId=x&Password=Ab%23cd\n").unwrap();
        assert_eq!(r[0].get("Password"), Some("Ab#cd"));
        assert_eq!(r[0].source, "q.txt:2");
    }

    #[test]
    fn mangled_names_were_echoed() {
        // an encoded '=' puts the secret into the name
        let e = parse_text("q.txt", "RegionId=x&Password%3DSecretZ9=")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("q.txt:1:12: ") && !e.contains("SecretZ9"),
            "{e}"
        );
        // a '?' inside a value no longer starts the query
        let r = parse_text("q.txt", "RegionId=x&Password=Ab?cd=1").unwrap();
        assert_eq!(r[0].get("Password"), Some("Ab?cd=1"));
        assert_eq!(r[0].get("RegionId"), Some("x"));
        let r = parse_text("u", "https://ecs.aliyuncs.com/?RegionId=x&Amount=2").unwrap();
        assert_eq!(r[0].get("Amount"), Some("2"));
    }

    fn opened(text: &[u8]) -> Result<Opened<&[u8]>> {
        open("t", text)
    }

    #[test]
    fn the_first_non_blank_line_decides_the_layout() {
        let layout = |t: &[u8]| match opened(t) {
            Ok(Opened::Lines(l)) => Some(l.layout()),
            Ok(Opened::Document(_)) => None,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            layout(b"\n  \n{\"RegionId\":\"a\"}\n"),
            Some(Layout::JsonLines)
        );
        assert_eq!(
            layout(b"\xEF\xBB\xBF{\"RegionId\":\"a\"}"),
            Some(Layout::JsonLines)
        );
        assert_eq!(
            layout(b"# note\n{\"RegionId\":\"a\"}"),
            Some(Layout::QueryLines)
        );
        assert_eq!(layout(b"RegionId=a"), Some(Layout::QueryLines));
        assert_eq!(layout(b"{\n\"RegionId\":\"a\"\n}"), None);
        assert_eq!(layout(b"\n[{\"RegionId\":\"a\"}]"), None);
        let e = opened(b"\n \r\n").err().unwrap().to_string();
        assert!(e.starts_with("t: no request found"), "{e}");
    }

    #[test]
    fn batches_number_lines_across_their_ends() {
        let text = b"{\"RegionId\":\"a\"}\r\n\r\n{\"RegionId\":\"b\"}\n{\"RegionId\":\"c\"}\n{\"RegionId\":\"d\"}";
        let Ok(Opened::Lines(mut r)) = opened(text) else {
            panic!("JSON Lines")
        };
        let mut got = Vec::new();
        let mut sizes = Vec::new();
        while let Some(b) = r.next_batch(2, 1 << 20) {
            sizes.push(b.len());
            got.extend(b.parse().unwrap());
        }
        assert_eq!(sizes, [2, 2, 1], "blank lines count toward a batch");
        let seen: Vec<(&str, Option<&str>)> = got
            .iter()
            .map(|q| (q.source.as_str(), q.get("RegionId")))
            .collect();
        assert_eq!(
            seen,
            [
                ("t:1", Some("a")),
                ("t:3", Some("b")),
                ("t:4", Some("c")),
                ("t:5", Some("d"))
            ]
        );
        // A batch ends after the line that takes it past the byte budget.
        let Ok(Opened::Lines(mut r)) = opened(text) else {
            panic!("JSON Lines")
        };
        assert_eq!(r.next_batch(100, 1).map(|b| b.len()), Some(1));
        assert_eq!(r.next_batch(100, 19).map(|b| b.len()), Some(2));
        assert_eq!(r.next_batch(100, 20).map(|b| b.len()), Some(2));
    }

    #[test]
    fn a_bad_byte_in_a_later_batch_is_placed_in_the_whole_input() {
        // CRLF line breaks and a BOM count in byte offsets, not in columns.
        let text = b"\xEF\xBB\xBFRegionId=a\r\nRegionId=b\r\nRegionId=\xFF\r\n";
        let Ok(Opened::Lines(mut r)) = opened(text) else {
            panic!("query lines")
        };
        let first = r.next_batch(2, 1 << 20).unwrap();
        assert_eq!(first.parse().unwrap().len(), 2);
        let e = r
            .next_batch(2, 1 << 20)
            .unwrap()
            .parse()
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t:3:10: this byte is not UTF-8 (byte offset 36 "),
            "{e}"
        );
        assert!(r.next_batch(2, 1 << 20).is_none());
    }

    #[test]
    fn a_line_error_comes_after_the_earlier_lines_errors() {
        // Line 1 is not a query; line 2 runs past the ceiling: line 1's error is the one shown.
        let mut text = b"RegionId=a\nnot a query\n".to_vec();
        text.extend(std::iter::repeat_n(
            b'x',
            (crate::limits::MAX_REQUEST_LINE_BYTES + 5) as usize,
        ));
        let Ok(Opened::Lines(mut r)) = opened(&text) else {
            panic!("query lines")
        };
        let b = r.next_batch(100, 1 << 30).unwrap();
        assert!(b.has_error());
        let e = b.parse().unwrap_err().to_string();
        assert!(e.starts_with("t:2: not a query string"), "{e}");
        let mut text = b"RegionId=a\n".to_vec();
        text.extend(std::iter::repeat_n(
            b'x',
            (crate::limits::MAX_REQUEST_LINE_BYTES + 5) as usize,
        ));
        let Ok(Opened::Lines(mut r)) = opened(&text) else {
            panic!("query lines")
        };
        let e = r
            .next_batch(100, 1 << 30)
            .unwrap()
            .parse()
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t:2:1: this line runs past the 1 MiB ceiling"),
            "{e}"
        );
    }
}
