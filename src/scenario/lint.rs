//! One pass over a JSON scenario's text against its schema ([`super::schema`]) that finds
//! every problem it can before the file is typed: unknown fields (with a did-you-mean),
//! values of the wrong type (`trials: "500" is a string; write 500`), unknown enumerated
//! values, missing fields, lists of the wrong length, durations, times and expected codes
//! that do not parse, and a trailing comma. Each problem has its line and column, so a
//! planner fixes a scenario in one run instead of one run per typo.
//!
//! The walk reads the text once, keeps no tree, and chooses a `oneOf` branch by the value's
//! first character. Text it cannot read otherwise (a syntax error other than a trailing
//! comma, nesting deeper than serde's limit) yields no problem: the typed reading that
//! follows reports it, as before.

use serde_json::Value;

use super::when::{self, AT_HINT, DURATION_HINT};
use crate::error::{clip, suggest, Error, Place};

/// A problem found: 1-based line and column, and the message with its fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Most problems listed in one error; the rest are counted.
pub const MAX_LISTED: usize = 20;

/// The scenario text's problems, in file order (empty when none is found).
pub fn problems(text: &str) -> Vec<Problem> {
    let schema = super::schema::schema();
    let mut w = Walk {
        text: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
        depth: 0,
        found: Vec::new(),
    };
    w.ws();
    match w.value(Some(&schema), "", Ctx::default()) {
        Ok(()) => w.found,
        Err(Stop::Syntax(p)) => vec![p],
        Err(Stop::Unreadable) => Vec::new(),
    }
}

/// One error naming every problem (`source:line:col: message` each), or None without any.
pub fn error(source: &str, problems: &[Problem]) -> Option<Error> {
    let (first, rest) = problems.split_first()?;
    Some(combine(
        Place::at(source, first.line, first.col),
        &first.message,
        rest.iter()
            .map(|p| (Place::at(source, p.line, p.col), p.message.as_str())),
        source,
    ))
}

/// Input errors as one error: the first's place and message, then every other on its own
/// line with its place, then the count. Any other kind of error is returned alone.
pub fn collect(errors: Vec<Error>) -> Option<Error> {
    let mut it = errors.into_iter();
    let first = it.next()?;
    let rest: Vec<Error> = it.collect();
    if rest.is_empty() || rest.iter().any(|e| !matches!(e, Error::Input { .. })) {
        return Some(first);
    }
    let Error::Input { place, message } = first else {
        return Some(first);
    };
    let source = place.source.clone();
    let others: Vec<(Place, &str)> = rest
        .iter()
        .map(|e| match e {
            Error::Input { place, message } => (place.clone(), message.as_str()),
            _ => unreachable!("checked above"),
        })
        .collect();
    Some(combine(place, &message, others.into_iter(), &source))
}

fn combine<'a>(
    place: Place,
    first: &str,
    rest: impl Iterator<Item = (Place, &'a str)>,
    source: &str,
) -> Error {
    let mut message = first.to_string();
    let mut n = 1;
    let mut listed = 1;
    for (p, m) in rest {
        n += 1;
        // Bounded, so a file of thousands of typos does not give a message of megabytes.
        if listed < MAX_LISTED && message.len() < 3000 {
            message.push_str(&format!("\n{p}: {m}"));
            listed += 1;
        }
    }
    if n > 1 {
        let more = if listed < n {
            format!(", {} more not listed", n - listed)
        } else {
            String::new()
        };
        message.push_str(&format!(
            "\n{source}: {n} problems in all{more}; fix them and run again"
        ));
    }
    Error::input(place, message)
}

/// Why the walk stopped early.
enum Stop {
    /// A syntax error worth its own words (a trailing comma).
    Syntax(Problem),
    /// Text the walk leaves to serde's reading.
    Unreadable,
}

/// What a value is for the checks that need more than its schema.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    /// The value is a request's parameter: never shown (it may be a password).
    secret: bool,
    /// Where the enclosing event starts: `at` and `expect` are placed there, as the typed
    /// reading places them.
    event: Option<(usize, usize)>,
    /// Where the value's key is written.
    key: Option<(usize, usize)>,
}

/// serde_json's nesting limit: deeper text is left to it.
const MAX_DEPTH: usize = 128;

struct Walk<'t> {
    text: &'t [u8],
    i: usize,
    line: usize,
    col: usize,
    depth: usize,
    found: Vec<Problem>,
}

/// The JSON type a value starts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Ty {
    fn of(b: u8) -> Option<Ty> {
        Some(match b {
            b'{' => Ty::Object,
            b'[' => Ty::Array,
            b'"' => Ty::String,
            b'-' | b'0'..=b'9' => Ty::Number,
            b't' | b'f' => Ty::Bool,
            b'n' => Ty::Null,
            _ => return None,
        })
    }

    fn article(self) -> &'static str {
        match self {
            Ty::Object => "an object",
            Ty::Array => "a list",
            Ty::String => "a string",
            Ty::Number => "a number",
            Ty::Bool => "true or false",
            Ty::Null => "null",
        }
    }
}

/// Whether a schema `type` name admits a value of type `t` (integers are checked apart).
fn admits(name: &str, t: Ty) -> bool {
    matches!(
        (name, t),
        ("object", Ty::Object)
            | ("array", Ty::Array)
            | ("string", Ty::String)
            | ("number" | "integer", Ty::Number)
            | ("boolean", Ty::Bool)
            | ("null", Ty::Null)
    )
}

fn type_names(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => match schema.get("const") {
            Some(Value::String(_)) => vec!["string"],
            _ => Vec::new(),
        },
    }
}

fn want_words(names: &[&str]) -> String {
    let words: Vec<&str> = names
        .iter()
        .map(|n| match *n {
            "object" => "an object",
            "array" => "a list",
            "string" => "a string",
            "number" => "a number",
            "integer" => "a whole number",
            "boolean" => "true or false",
            other => other,
        })
        .collect();
    match words.split_last() {
        None => "a value".into(),
        Some((last, [])) => (*last).to_string(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
    }
}

fn named(path: &str) -> String {
    if path.is_empty() {
        "the scenario".into()
    } else {
        path.to_string()
    }
}

impl Walk<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.i).copied()
    }

    fn bump(&mut self) {
        if let Some(&b) = self.text.get(self.i) {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn here(&self) -> (usize, usize) {
        (self.line, self.col)
    }

    fn note(&mut self, at: (usize, usize), message: String) {
        self.found.push(Problem {
            line: at.0,
            col: at.1,
            message,
        });
    }

    /// A string's contents (escapes decoded well enough for names and short values).
    fn string(&mut self) -> Result<String, Stop> {
        self.bump(); // the opening quote
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(Stop::Unreadable),
                Some(b'"') => {
                    self.bump();
                    return String::from_utf8(out).map_err(|_| Stop::Unreadable);
                }
                Some(b'\\') => {
                    self.bump();
                    let Some(e) = self.peek() else {
                        return Err(Stop::Unreadable);
                    };
                    self.bump();
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            // Kept as written: names and enumerations are plain ASCII.
                            out.extend_from_slice(b"\\u");
                        }
                        other => out.push(other),
                    }
                }
                Some(b) => {
                    out.push(b);
                    self.bump();
                }
            }
        }
    }

    /// A number, true, false or null, as written.
    fn scalar(&mut self) -> Result<String, Stop> {
        let from = self.i;
        while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
            self.bump();
        }
        let word = std::str::from_utf8(&self.text[from..self.i]).map_err(|_| Stop::Unreadable)?;
        let ok = matches!(word, "true" | "false" | "null") || word.parse::<f64>().is_ok();
        if ok {
            Ok(word.to_string())
        } else {
            Err(Stop::Unreadable)
        }
    }

    /// After a `,` in a list or object: a closing bracket here is a trailing comma.
    fn trailing_comma(&mut self, comma: (usize, usize)) -> Result<(), Stop> {
        self.ws();
        match self.peek() {
            Some(close @ (b']' | b'}')) => Err(Stop::Syntax(Problem {
                line: comma.0,
                col: comma.1,
                message: format!(
                    "a trailing comma before `{}`: JSON allows none after the last item; remove it",
                    close as char
                ),
            })),
            _ => Ok(()),
        }
    }

    /// Reads one value at the cursor, checking it against `schema` (None: anything).
    fn value(&mut self, schema: Option<&Value>, path: &str, ctx: Ctx) -> Result<(), Stop> {
        let at = self.here();
        let Some(t) = self.peek().and_then(Ty::of) else {
            return Err(Stop::Unreadable);
        };
        let schema = match schema {
            Some(s) => self.branch(s, t, path, at, ctx)?,
            None => None,
        };
        match t {
            Ty::Object => self.object(schema, path, at, ctx),
            Ty::Array => self.array(schema, path, at, ctx),
            Ty::String => {
                let s = self.string()?;
                if let Some(schema) = schema {
                    self.check_string(schema, &s, path, at, ctx);
                }
                Ok(())
            }
            _ => {
                let word = self.scalar()?;
                if let (Some(schema), Ty::Number) = (schema, t) {
                    let whole = !word.contains(['.', 'e', 'E']);
                    if type_names(schema) == ["integer"] && !whole {
                        let shown = if ctx.secret { "the value".into() } else { word };
                        self.note(
                            at,
                            format!(
                                "{}: {shown} is not a whole number; write a whole number",
                                named(path)
                            ),
                        );
                    } else if type_names(schema) == ["integer"]
                        && schema.get("minimum") == Some(&Value::from(0))
                        && word.starts_with('-')
                    {
                        self.note(
                            at,
                            format!(
                                "{}: {word} is negative; write a whole number of 0 or more",
                                named(path)
                            ),
                        );
                    }
                }
                Ok(())
            }
        }
    }

    /// The schema that applies to a value of type `t`: the first `oneOf` branch that admits
    /// it; a wrong type is noted (and the value read unchecked).
    fn branch<'s>(
        &mut self,
        schema: &'s Value,
        t: Ty,
        path: &str,
        at: (usize, usize),
        ctx: Ctx,
    ) -> Result<Option<&'s Value>, Stop> {
        let options: Vec<&Value> = match schema.get("oneOf").and_then(Value::as_array) {
            Some(b) => b.iter().collect(),
            None => vec![schema],
        };
        let fitting: Vec<&Value> = options
            .iter()
            .copied()
            .filter(|o| {
                let names = type_names(o);
                names.is_empty() || names.iter().any(|n| admits(n, t))
            })
            .collect();
        match fitting.as_slice() {
            [one] => return Ok(Some(*one)),
            // Several branches of one type (a distribution's three objects): the first
            // character cannot choose; the typed reading checks the value.
            [_, _, ..] => return Ok(None),
            [] => {}
        }
        let mut wanted: Vec<&str> = Vec::new();
        for o in &options {
            for n in type_names(o) {
                if !wanted.contains(&n) {
                    wanted.push(n);
                }
            }
        }
        let want = want_words(&wanted);
        let place = ctx.key.unwrap_or(at);
        let message = match t {
            Ty::String if !ctx.secret => {
                // Read ahead to show it (`trials: "500" is a string; write 500`); the value
                // itself is read after, unchecked.
                let mark = (self.i, self.line, self.col);
                let s = self.string()?;
                (self.i, self.line, self.col) = mark;
                self.string_as_other(&s, &wanted, path, &want)
            }
            _ => format!(
                "{}: {} where {want} is expected; write {want} here",
                named(path),
                t.article()
            ),
        };
        self.note(place, message);
        Ok(None)
    }

    fn string_as_other(&self, s: &str, wanted: &[&str], path: &str, want: &str) -> String {
        let numeric = s.trim().parse::<f64>().is_ok();
        let boolean = matches!(s.trim(), "true" | "false");
        let fits = (numeric && wanted.iter().any(|w| matches!(*w, "number" | "integer")))
            || (boolean && wanted.contains(&"boolean"));
        if fits {
            format!(
                "{}: \"{}\" is a string; write {} without quotes",
                named(path),
                clip(s),
                s.trim()
            )
        } else {
            format!(
                "{}: \"{}\" is a string where {want} is expected; write {want} here",
                named(path),
                clip(s)
            )
        }
    }

    fn check_string(&mut self, schema: &Value, s: &str, path: &str, at: (usize, usize), ctx: Ctx) {
        let place = ctx.key.unwrap_or(at);
        let choices: Option<Vec<&str>> = match (schema.get("enum"), schema.get("const")) {
            (Some(Value::Array(e)), _) => Some(e.iter().filter_map(Value::as_str).collect()),
            (_, Some(Value::String(c))) => Some(vec![c.as_str()]),
            _ => None,
        };
        if let Some(choices) = choices {
            if !choices.contains(&s) {
                let hint = match suggest(s, choices.iter().copied()) {
                    Some(m) => format!(" (did you mean {m:?}?)"),
                    None => format!("; write one of: {}", choices.join(", ")),
                };
                self.note(
                    place,
                    format!("{}: unknown value \"{}\"{hint}", named(path), clip(s)),
                );
            }
            return;
        }
        let leaf = path.rsplit('.').next().unwrap_or(path);
        let event = ctx.event.unwrap_or(place);
        // Only the form of durations and times: their ceilings and ranges are checked, and
        // placed, by the typed reading.
        let malformed = |e: &when::WhenError| *e == when::WhenError::Malformed;
        if schema.get("pattern").is_some() {
            // Durations (horizon, sample_every, retry.backoff): the pattern's one use.
            if let Some(e) = when::parse_duration(s).err().filter(malformed) {
                self.note(place, e.explain(path, s, DURATION_HINT));
            }
        } else if path == "start" {
            if let Some(e) = when::parse_time(s).err().filter(malformed) {
                self.note(
                    place,
                    e.explain(
                        "start",
                        s,
                        "not a UTC time; write it like \"2026-12-01T08:00:00Z\"",
                    ),
                );
            }
        } else if ctx.event.is_some() && leaf == "at" {
            // Only the form: whether the time falls in range depends on the start.
            let bad = match s.trim().strip_prefix('+') {
                Some(d) => when::parse_duration(d).err().filter(malformed),
                None => crate::time::parse_utc(s.trim())
                    .is_none()
                    .then_some(when::WhenError::Malformed),
            };
            if let Some(e) = bad {
                self.note(event, e.explain("at", s, AT_HINT));
            }
        } else if ctx.event.is_some() && !ctx.secret && (leaf == "expect" || leaf == "code") {
            if let Err(m) = super::Expected::parse(s) {
                self.note(event, format!("expect: {m}"));
            }
        }
    }

    fn object(
        &mut self,
        schema: Option<&Value>,
        path: &str,
        at: (usize, usize),
        ctx: Ctx,
    ) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Unreadable);
        }
        self.bump(); // {
        let props = schema
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object);
        let extra = schema.and_then(|s| s.get("additionalProperties"));
        let names = schema
            .and_then(|s| s.get("propertyNames"))
            .and_then(|p| p.get("enum"))
            .and_then(Value::as_array);
        let is_event = path.starts_with("timeline[") && path.ends_with(']');
        let is_request = path.ends_with(".request");
        let mut seen: Vec<String> = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.bump();
        } else {
            loop {
                self.ws();
                if self.peek() != Some(b'"') {
                    return Err(Stop::Unreadable);
                }
                let key_at = self.here();
                let key = self.string()?;
                self.ws();
                if self.peek() != Some(b':') {
                    return Err(Stop::Unreadable);
                }
                self.bump();
                self.ws();
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let child_ctx = Ctx {
                    secret: ctx.secret || is_request,
                    event: if is_event { Some(at) } else { ctx.event },
                    key: Some(key_at),
                };
                let child: Option<&Value> = match props.and_then(|p| p.get(&key)) {
                    // A request's parameters may be nested (an SDK's map): its reader checks.
                    _ if is_request => None,
                    Some(s) => Some(s),
                    None if schema.is_none() => None,
                    None => {
                        if let Some(names) = names {
                            let list: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                            if !list.contains(&key.as_str()) {
                                let hint = match suggest(&key, list.iter().copied()) {
                                    Some(m) => format!(" (did you mean {m:?}?)"),
                                    None => format!("; write one of: {}", list.join(", ")),
                                };
                                self.note(
                                    key_at,
                                    format!(
                                        "{}: unknown name \"{}\"{hint}",
                                        named(path),
                                        clip(&key)
                                    ),
                                );
                            }
                        }
                        match extra {
                            Some(Value::Bool(false)) => {
                                let list: Vec<&str> = props
                                    .map_or(Vec::new(), |p| p.keys().map(String::as_str).collect());
                                let hint = match suggest(&key, list.iter().copied()) {
                                    Some(m) => format!(" (did you mean {m:?}?)"),
                                    None => format!("; write one of: {}", list.join(", ")),
                                };
                                let within = if path.is_empty() {
                                    String::new()
                                } else {
                                    format!("{path}: ")
                                };
                                self.note(
                                    key_at,
                                    format!("{within}unknown field \"{}\"{hint}", clip(&key)),
                                );
                                None
                            }
                            Some(s @ Value::Object(_)) => Some(s),
                            _ => None,
                        }
                    }
                };
                self.value(child, &sub, child_ctx)?;
                seen.push(key);
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        let comma = self.here();
                        self.bump();
                        self.trailing_comma(comma)?;
                    }
                    Some(b'}') => {
                        self.bump();
                        break;
                    }
                    _ => return Err(Stop::Unreadable),
                }
            }
        }
        self.depth -= 1;
        if let Some(req) = schema
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
        {
            for r in req.iter().filter_map(Value::as_str) {
                if !seen.iter().any(|k| k == r) {
                    let within = if path.is_empty() {
                        String::new()
                    } else {
                        format!("{path}: ")
                    };
                    self.note(at, format!("{within}missing field \"{r}\"; add it"));
                }
            }
        }
        Ok(())
    }

    fn array(
        &mut self,
        schema: Option<&Value>,
        path: &str,
        at: (usize, usize),
        ctx: Ctx,
    ) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Unreadable);
        }
        self.bump(); // [
        let items = schema.and_then(|s| s.get("items"));
        let mut n = 0u64;
        self.ws();
        if self.peek() == Some(b']') {
            self.bump();
        } else {
            loop {
                self.ws();
                let item_ctx = Ctx { key: None, ..ctx };
                self.value(items, &format!("{path}[{}]", n + 1), item_ctx)?;
                n += 1;
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        let comma = self.here();
                        self.bump();
                        self.trailing_comma(comma)?;
                    }
                    Some(b']') => {
                        self.bump();
                        break;
                    }
                    _ => return Err(Stop::Unreadable),
                }
            }
        }
        self.depth -= 1;
        let bound = |k: &str| schema.and_then(|s| s.get(k)).and_then(Value::as_u64);
        let (min, max) = (bound("minItems"), bound("maxItems"));
        let place = ctx.key.unwrap_or(at);
        match (min, max) {
            (Some(lo), Some(hi)) if lo == hi && n != lo => self.note(
                place,
                format!("{}: {n} item(s); give exactly {lo}", named(path)),
            ),
            (Some(lo), _) if n < lo => self.note(
                place,
                format!("{}: {n} item(s); give at least {lo}", named(path)),
            ),
            (_, Some(hi)) if n > hi => self.note(
                place,
                format!("{}: {n} item(s); give at most {hi}", named(path)),
            ),
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        problems(text)
            .into_iter()
            .map(|p| format!("{}:{}: {}", p.line, p.col, p.message))
            .collect()
    }

    #[test]
    fn a_clean_file_has_no_problem() {
        let text = r#"{"name": "x", "trials": 5, "horizon": "2h", "timeline": [
            {"at": "+5m", "label": "a", "request": {"RegionId": "cn-hangzhou", "Amount": 2}, "expect": "ok"},
            {"at": "+1h", "release": "all"}]}"#;
        assert_eq!(messages(text), Vec::<String>::new());
    }

    #[test]
    fn every_problem_is_found_with_its_place() {
        let text = "{\n  \"trails\": 5,\n  \"trials\": \"500\",\n  \"horizon\": \"2x\",\n  \"edition\": \"2019\",\n  \"retry\": {\"attempts\": 2, \"backof\": \"1m\"},\n  \"timeline\": [{\"at\": \"90m\", \"lable\": \"a\", \"request\": {}}]\n}";
        let m = messages(text);
        let want = [
            "2:3: unknown field \"trails\" (did you mean \"trials\"?)",
            "3:3: trials: \"500\" is a string; write 500 without quotes",
            "4:3: horizon \"2x\": use a duration like",
            "5:3: edition: unknown value \"2019\"; write one of: current, reference-2018",
            "6:28: retry: unknown field \"backof\" (did you mean \"backoff\"?)",
            "7:16: at \"90m\": use an offset from the start",
            "7:30: timeline[1]: unknown field \"lable\" (did you mean \"label\"?)",
        ];
        assert_eq!(m.len(), want.len(), "{m:#?}");
        for (got, want) in m.iter().zip(want) {
            assert!(got.starts_with(want), "{got}\n  expected {want}");
        }
    }

    #[test]
    fn a_trailing_comma_is_named() {
        let m = messages("{\"timeline\": [\n  {\"at\": \"+0m\", \"release\": \"all\"},\n]}");
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("2:34: a trailing comma before `]`"),
            "{m:?}"
        );
    }

    #[test]
    fn requests_and_distributions_are_left_to_their_readers() {
        // Nested request parameters are an SDK's map; a distribution is one of three objects.
        let m = messages(
            r#"{"stock": {"default": {"replenish_per_hour": {"poisson": 2}}}, "timeline": [{"at": "+0m", "request": {"SystemDisk": {"Category": "cloud_essd"}, "DataDisk": [{"Size": 40}]}}]}"#,
        );
        assert_eq!(m, Vec::<String>::new());
    }

    #[test]
    fn unreadable_text_is_left_to_the_typed_reading() {
        assert!(problems("{\"timeline\": [}").is_empty());
        assert!(problems(&"[".repeat(500)).is_empty());
    }

    #[test]
    fn many_problems_make_one_bounded_error() {
        let ps: Vec<Problem> = (1..=100)
            .map(|i| Problem {
                line: i,
                col: 1,
                message: format!("unknown field \"f{i}\"; remove it"),
            })
            .collect();
        let e = error("s.json", &ps).unwrap().to_string();
        assert!(e.starts_with("s.json:1:1: unknown field \"f1\""), "{e}");
        assert!(e.contains("\ns.json:2:1: unknown field \"f2\""), "{e}");
        assert!(
            e.ends_with("s.json: 100 problems in all, 80 more not listed; fix them and run again"),
            "{e}"
        );
    }
}
