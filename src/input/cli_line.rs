//! aliyun CLI command lines → raw requests.
//!
//! `aliyun ecs RunInstances --RegionId cn-hangzhou --Tag.1.Key team --Tag.1.Value web`, one
//! command per line. Words are split as a POSIX shell splits them: single quotes, double
//! quotes (where `\` escapes `"`, `\`, `$` and `` ` ``), backslash escapes outside quotes, a
//! trailing backslash that continues the command on the next line, and `#` comments. Shell
//! expansion (`$`, `` ` ``) and operators (`|`, `&`, `;`, `<`, `>`, `(`, `)`) are refused: ecsim
//! runs no shell.
//!
//! The words are then read as aliyun-cli reads them (github.com/aliyun/aliyun-cli:
//! `cli/parser.go`, `config/flags.go`, `openapi/flags.go`, `openapi/rpc.go`,
//! `openapi/invoker.go`): `--Name value`, `--Name=value` or `--Name:value`; a word starting
//! `---` is a value; `-x` is a one-letter flag. The CLI's own flags ([`FLAGS`]) are read and
//! dropped, except `--region` and `--RegionId`, which give the request's `RegionId` (`--region`
//! first, as `invoker.go` does), and `--version`, which gives `Version`. Credentials
//! (`--access-key-secret`, `--sts-token`, ...) are dropped unread. Every other `--Name` is an
//! API parameter sent as written: RPC lists are spelt out (`--SecurityGroupIds.1 sg-1`), as
//! `meta/api.go` matches them. A repeated flag is refused, as the CLI refuses it.
//!
//! No message holds text of the line (any word may be a secret): errors name a line offset
//! and column, flag names, and the fix.

use crate::catalog::params;
use crate::request::raw::{is_secret, RawRequest};

/// Why an aliyun command cannot be read: where (`line` lines after its first, 1-based
/// `column`) and what to do. The message never holds a value from the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Whether `line` is an aliyun command: its first word is `aliyun`.
pub fn is_cli_line(line: &str) -> bool {
    starts_cli(line.as_bytes())
}

/// [`is_cli_line`] on bytes (a line not yet checked for UTF-8).
pub fn starts_cli(line: &[u8]) -> bool {
    line.trim_ascii_start()
        .strip_prefix(b"aliyun")
        .is_some_and(|rest| matches!(rest.first(), None | Some(b' ' | b'\t')))
}

/// Where the next physical line of a command starts when this one ends in a continuing
/// backslash: outside quotes (and whether at the start of a word), or inside double quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    Plain { word_start: bool },
    Double,
}

impl Open {
    /// A command's first line starts outside quotes, at a word's start.
    pub const START: Open = Open::Plain { word_start: true };
}

/// Whether the physical `line` of a command, begun in `from`, ends in a backslash that joins
/// the next line to it (outside single quotes and comments), and where that line begins.
/// An unclosed quote does not continue: the reader reports it.
pub fn continues(line: &[u8], from: Open) -> Option<Open> {
    let (mut double, mut word_start) = match from {
        Open::Plain { word_start } => (false, word_start),
        Open::Double => (true, false),
    };
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if double {
            match b {
                b'\\' if i + 1 == line.len() => return Some(Open::Double),
                b'\\' => i += 1,
                b'"' => double = false,
                _ => {}
            }
        } else {
            match b {
                b'\\' if i + 1 == line.len() => return Some(Open::Plain { word_start }),
                b'\\' => {
                    i += 1;
                    word_start = false;
                }
                b'\'' => match line[i + 1..].iter().position(|&c| c == b'\'') {
                    Some(close) => {
                        i += close + 1;
                        word_start = false;
                    }
                    None => return None,
                },
                b'"' => {
                    double = true;
                    word_start = false;
                }
                b'#' if word_start => return None,
                b' ' | b'\t' | b'\r' => word_start = true,
                _ => word_start = false,
            }
        }
        i += 1;
    }
    None
}

/// One shell word with the place of its first character.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    line: usize,
    column: usize,
}

/// The fix for text that a shell would do something with.
const NO_SHELL: &str = "ecsim reads the command as written and runs no shell";

/// Characters of a command with their line offset and column.
struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<(char, usize, usize)> {
        let c = self.chars.next()?;
        let at = (c, self.line, self.column + 1);
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
        Some(at)
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    /// Skips a line break (`\n` or `\r\n`) after a backslash; false when none follows.
    fn line_break(&mut self) -> bool {
        match self.peek() {
            Some('\n') => {
                self.next();
                true
            }
            Some('\r') => {
                let mut ahead = self.chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'\n') {
                    self.next();
                    self.next();
                    true
                } else {
                    false
                }
            }
            _ => false,
        }
    }
}

fn err(line: usize, column: usize, message: impl Into<String>) -> CliError {
    CliError {
        line,
        column,
        message: message.into(),
    }
}

/// Splits a command into words as a POSIX shell does (without expansions).
fn words(text: &str) -> Result<Vec<Word>, CliError> {
    let mut cur = Cursor {
        chars: text.chars().peekable(),
        line: 0,
        column: 0,
    };
    let mut out: Vec<Word> = Vec::new();
    let mut word: Option<Word> = None;
    fn start(word: &mut Option<Word>, line: usize, column: usize) -> &mut String {
        &mut word
            .get_or_insert_with(|| Word {
                text: String::new(),
                line,
                column,
            })
            .text
    }
    while let Some((c, line, column)) = cur.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => out.extend(word.take()),
            '\\' => {
                if cur.line_break() {
                    continue;
                }
                match cur.next() {
                    Some((x, _, _)) => start(&mut word, line, column).push(x),
                    None => {
                        return Err(err(
                            line,
                            column,
                            "the command ends in '\\', which continues it on a next line, \
                             and no line follows; remove the '\\' or add the rest",
                        ))
                    }
                }
            }
            '\'' => {
                let w = start(&mut word, line, column);
                loop {
                    match cur.next() {
                        Some(('\'', _, _)) => break,
                        Some((x, _, _)) => w.push(x),
                        None => {
                            return Err(err(
                                line,
                                column,
                                "this single quote is not closed; close it on the same line \
                                 (a value over several lines is not read)",
                            ))
                        }
                    }
                }
            }
            '"' => {
                start(&mut word, line, column);
                loop {
                    let Some((x, xl, xc)) = cur.next() else {
                        return Err(err(
                            line,
                            column,
                            "this double quote is not closed; close it on the same line \
                             (a value over several lines is not read)",
                        ));
                    };
                    let w = &mut word.as_mut().expect("started").text;
                    match x {
                        '"' => break,
                        '\\' => {
                            if cur.line_break() {
                                continue;
                            }
                            match cur.peek() {
                                Some(e @ ('"' | '\\' | '$' | '`')) => {
                                    cur.next();
                                    w.push(e);
                                }
                                _ => w.push('\\'),
                            }
                        }
                        '$' | '`' => return Err(expansion(xl, xc)),
                        x => w.push(x),
                    }
                }
            }
            '$' | '`' => return Err(expansion(line, column)),
            '#' if word.is_none() => {
                while cur.peek().is_some_and(|x| x != '\n') {
                    cur.next();
                }
            }
            '|' | '&' | ';' | '<' | '>' | '(' | ')' => {
                return Err(err(
                    line,
                    column,
                    format!(
                        "an unquoted {c:?} is a shell operator (a pipe, redirection or a second \
                         command); {NO_SHELL}, one aliyun command per line: remove it and what \
                         follows, or quote it if it is part of a value"
                    ),
                ))
            }
            c => start(&mut word, line, column).push(c),
        }
    }
    out.extend(word);
    Ok(out)
}

fn expansion(line: usize, column: usize) -> CliError {
    err(
        line,
        column,
        format!(
            "shell expansion ('$' or '`') is not done: {NO_SHELL}; write the value itself, in \
             single quotes if it holds '$'"
        ),
    )
}

/// What one of the CLI's own flags takes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// Nothing (`AssignedNone`): `--force`.
    Nothing,
    /// Exactly one value (`AssignedOnce`): `--region cn-hangzhou`.
    One,
    /// A value or nothing (`AssignedDefault`): `--profile`, and every API parameter.
    Optional,
    /// Every value up to the next flag (`AssignedRepeatable`): `--output cols=A rows=B`.
    Many,
}

/// What ecsim does with one of the CLI's own flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read and dropped: it changes how the CLI runs or prints, not the request.
    Ignore,
    /// `--region`: the request's RegionId (before `--RegionId`).
    Region,
    /// `--RegionId`: the request's RegionId when `--region` is absent.
    RegionId,
    /// `--version`: the API version, sent as `Version`.
    Version,
    /// A credential: dropped unread, never shown.
    Credential,
    /// `--help`: the command prints help and sends no request.
    Help,
}

/// One of the CLI's own flags (aliyun-cli `config/flags.go`, `openapi/flags.go`,
/// `openapi/pager.go`, `openapi/waiter.go`, `openapi/output_filter.go`, `cli/context.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CliFlag {
    pub name: &'static str,
    pub short: Option<char>,
    pub takes: Takes,
    pub role: Role,
}

const fn flag(name: &'static str, takes: Takes, role: Role) -> CliFlag {
    CliFlag {
        name,
        short: None,
        takes,
        role,
    }
}

const fn short(name: &'static str, c: char, takes: Takes, role: Role) -> CliFlag {
    CliFlag {
        name,
        short: Some(c),
        takes,
        role,
    }
}

use Role::{Credential, Help, Ignore};
use Takes::{Many, Nothing, One, Optional};

/// The aliyun CLI's own flags: every other `--Name` is an API parameter.
pub const FLAGS: &[CliFlag] = &[
    // config/flags.go
    short("profile", 'p', Optional, Ignore),
    flag("mode", Optional, Ignore),
    flag("language", One, Ignore),
    flag("region", One, Role::Region),
    flag("RegionId", One, Role::RegionId),
    flag("config-path", One, Ignore),
    flag("access-key-id", One, Credential),
    flag("access-key-secret", One, Credential),
    flag("sts-token", One, Credential),
    flag("sts-region", One, Ignore),
    flag("sts-endpoint", One, Ignore),
    flag("ram-role-name", One, Ignore),
    flag("ram-role-arn", One, Ignore),
    flag("source-profile", One, Ignore),
    flag("role-session-name", One, Ignore),
    flag("external-id", One, Credential),
    flag("private-key", One, Credential),
    flag("key-pair-name", One, Ignore),
    flag("read-timeout", One, Ignore),
    flag("retry-timeout", One, Ignore),
    flag("connect-timeout", One, Ignore),
    flag("retry-count", One, Ignore),
    flag("skip-secure-verify", Nothing, Ignore),
    flag("expired-seconds", One, Ignore),
    flag("process-command", One, Credential),
    flag("oidc-provider-arn", One, Ignore),
    flag("oidc-token-file", One, Ignore),
    flag("cloud-sso-sign-in-url", One, Ignore),
    flag("cloud-sso-access-config", One, Ignore),
    flag("cloud-sso-account-id", One, Ignore),
    flag("oauth-site-type", One, Ignore),
    flag("endpoint-type", One, Ignore),
    short("endpoint", 'e', One, Ignore),
    flag("external-account-type", One, Ignore),
    flag("auto-plugin-install", One, Ignore),
    flag("auto-plugin-install-enable-pre", One, Ignore),
    flag("bearer-token", One, Credential),
    flag("bearer-token-header-key", One, Ignore),
    // openapi/flags.go and the pager, waiter and output filter
    flag("secure", Nothing, Ignore),
    flag("insecure", Nothing, Ignore),
    flag("force", Nothing, Ignore),
    flag("version", One, Role::Version),
    flag("header", Many, Ignore),
    flag("body", One, Ignore),
    flag("body-file", One, Ignore),
    flag("pager", Many, Ignore),
    flag("accept", One, Ignore),
    short("output", 'o', Many, Ignore),
    flag("waiter", Many, Ignore),
    flag("dryrun", Nothing, Ignore),
    flag("cli-dry-run", Nothing, Ignore),
    flag("cli-dry-run-json", Nothing, Ignore),
    flag("estimate-cost", Nothing, Ignore),
    flag("estimate-cost-context", Many, Ignore),
    short("quiet", 'q', Nothing, Ignore),
    flag("log-level", One, Ignore),
    flag("log_level", One, Ignore),
    short("yes", 'y', Nothing, Ignore),
    flag("cli-query", One, Ignore),
    flag("roa", One, Ignore),
    flag("method", One, Ignore),
    flag("user-agent", One, Ignore),
    flag("cli-ai-mode", Nothing, Ignore),
    flag("no-cli-ai-mode", Nothing, Ignore),
    // cli/context.go
    short("help", 'h', Nothing, Help),
];

fn cli_flag(name: &str) -> Option<&'static CliFlag> {
    FLAGS.iter().find(|f| f.name == name)
}

/// What a `--Name` word is: one of the CLI's flags or an API parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Cli(&'static CliFlag),
    Param,
}

impl Target {
    fn takes(self) -> Takes {
        match self {
            Target::Cli(f) => f.takes,
            Target::Param => Optional,
        }
    }
}

/// A flag as read, in order.
#[derive(Debug)]
struct Given {
    name: String,
    target: Target,
    values: Vec<String>,
    word: usize,
}

/// Reads one aliyun command (`text` may span lines joined by continuing backslashes) into a
/// raw request from `source`.
pub fn parse(source: &str, text: &str) -> Result<RawRequest, CliError> {
    let words = words(text)?;
    let at = |w: &Word, message: String| err(w.line, w.column, message);
    let mut given: Vec<Given> = Vec::new();
    // The flag still taking values (an index into `given`).
    let mut open: Option<usize> = None;
    let mut positional: Vec<usize> = Vec::new();
    for (i, w) in words.iter().enumerate().skip(1) {
        let s = w.text.as_str();
        let (prefix, value) = match s.find(['=', ':']) {
            Some(j) => (&s[..j], Some(&s[j + 1..])),
            None => (s, None),
        };
        let name = if prefix.starts_with("---") || !prefix.starts_with('-') {
            None
        } else if let Some(n) = prefix.strip_prefix("--") {
            if n.is_empty() {
                return Err(at(
                    w,
                    "a bare '--' is not read by the aliyun CLI; remove it".into(),
                ));
            }
            Some((
                n.to_string(),
                cli_flag(n).map_or(Target::Param, Target::Cli),
            ))
        } else {
            let mut cs = prefix[1..].chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => match FLAGS.iter().find(|f| f.short == Some(c)) {
                    Some(f) => Some((f.name.to_string(), Target::Cli(f))),
                    None => return Err(at(w, dash_word("is not a one-letter flag"))),
                },
                _ => return Err(at(w, dash_word("is not a flag form"))),
            }
        };
        let Some((name, target)) = name else {
            // A value: for the open flag, or a positional word.
            match open {
                Some(g) => {
                    given[g].values.push(s.to_string());
                    if given[g].target.takes() != Many {
                        open = None;
                    }
                }
                None => positional.push(i),
            }
            continue;
        };
        if let Some(g) = open.take() {
            close(&given[g], &words[given[g].word])?;
        }
        if given.iter().any(|g| g.name == name) && target.takes() != Many {
            return Err(at(
                w,
                format!(
                    "--{name} is given twice, which the aliyun CLI refuses ('--{name} \
                     duplicated'); keep one"
                ),
            ));
        }
        if name.ends_with("-FILE") {
            return Err(at(
                w,
                format!(
                    "--{name} makes the aliyun CLI read the value from a file, which ecsim does \
                     not; give the value itself with --{}",
                    name.trim_end_matches("-FILE")
                ),
            ));
        }
        let mut g = Given {
            name,
            target,
            values: Vec::new(),
            word: i,
        };
        match value.filter(|v| !v.is_empty()) {
            Some(_) if target.takes() == Nothing => {
                return Err(at(
                    w,
                    format!("--{} takes no value; remove what follows its '='", g.name),
                ))
            }
            Some(v) => {
                g.values.push(v.to_string());
                if target.takes() == Many {
                    open = Some(given.len());
                }
            }
            None if target.takes() != Nothing => open = Some(given.len()),
            None => {}
        }
        given.push(g);
    }
    if let Some(g) = open {
        close_at_end(&given[g], &words[given[g].word])?;
    }
    check_command(&words, &positional)?;
    let mut req = RawRequest::new(source);
    let region = given
        .iter()
        .find(|g| g.target == Target::Cli(cli_flag("region").expect("listed")))
        .or_else(|| {
            given
                .iter()
                .find(|g| g.target == Target::Cli(cli_flag("RegionId").expect("listed")))
        })
        .map(|g| g.word);
    for g in &given {
        let value = || g.values.first().cloned().unwrap_or_default();
        match g.target {
            Target::Param => {
                json_valued(&g.name, g.values.first().map(String::as_str))
                    .map_err(|m| at(&words[g.word], m))?;
                req.push(g.name.clone(), value());
            }
            Target::Cli(f) => match f.role {
                Role::Region | Role::RegionId if region == Some(g.word) => {
                    req.push("RegionId", value())
                }
                Role::Version => req.push("Version", value()),
                Role::Help => {
                    return Err(at(
                        &words[g.word],
                        "--help makes the aliyun CLI print help and send no request; remove it"
                            .into(),
                    ))
                }
                _ => {}
            },
        }
    }
    Ok(req)
}

fn dash_word(what: &str) -> String {
    format!(
        "this word starts with '-' and {what} the aliyun CLI reads; if it is a value, join it \
         to its flag with '=' (--Name=VALUE)"
    )
}

/// A flag followed by another flag: a flag that needs a value, and a secret whose value
/// may have been read as that next flag, are refused.
fn close(g: &Given, w: &Word) -> Result<(), CliError> {
    if !g.values.is_empty() {
        return Ok(());
    }
    let secret = match g.target {
        Target::Param => is_secret(&g.name),
        Target::Cli(f) => f.role == Role::Credential,
    };
    if secret {
        return Err(err(
            w.line,
            w.column,
            format!(
                "--{} has no value: the next word starts with '-', so the aliyun CLI reads it \
                 as a flag; if it is the value, write --{}=VALUE",
                g.name, g.name
            ),
        ));
    }
    close_at_end(g, w)
}

fn close_at_end(g: &Given, w: &Word) -> Result<(), CliError> {
    if g.values.is_empty() && g.target.takes() == One {
        return Err(err(
            w.line,
            w.column,
            format!(
                "--{} must be given a value, as the aliyun CLI requires; add it",
                g.name
            ),
        ));
    }
    Ok(())
}

/// The command must be `aliyun ecs RunInstances`, with no word that no flag takes.
fn check_command(words: &[Word], positional: &[usize]) -> Result<(), CliError> {
    let first = &words[0];
    let fix = "ecsim predicts RunInstances only: give `aliyun ecs RunInstances --Name value ...` \
               lines, or comment this line out with '#'";
    // A word is named only when it stands right after `aliyun` (or the product), where no
    // flag's value can be, and looks like a name.
    let shown = |k: usize| {
        let i = *positional.get(k)?;
        let w = &words[i].text;
        (i == k + 1
            && !w.is_empty()
            && w.len() <= 64
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then_some(w.as_str())
    };
    let Some(&p) = positional.first() else {
        return Err(err(
            first.line,
            first.column,
            format!("this aliyun command names no product and action; {fix}"),
        ));
    };
    if !words[p].text.eq_ignore_ascii_case("ecs") {
        let what = shown(0).map_or("another product".to_string(), |w| format!("product {w}"));
        return Err(err(
            words[p].line,
            words[p].column,
            format!("this aliyun command calls {what}, not ecs; {fix}"),
        ));
    }
    let Some(&a) = positional.get(1) else {
        return Err(err(
            words[p].line,
            words[p].column,
            format!("this aliyun command names no action after ecs; {fix}"),
        ));
    };
    if words[a].text != "RunInstances" {
        let what = shown(1).map_or("another action".to_string(), |w| format!("ecs {w}"));
        let case = if words[a].text.eq_ignore_ascii_case("RunInstances") {
            " (actions are case-sensitive: write RunInstances)"
        } else {
            ""
        };
        return Err(err(
            words[a].line,
            words[a].column,
            format!("this aliyun command calls {what}, not RunInstances{case}; {fix}"),
        ));
    }
    if let Some(&x) = positional.get(2) {
        return Err(err(
            words[x].line,
            words[x].column,
            "a word that no flag takes: the aliyun CLI would read it as a request path; quote \
             a value that holds spaces, or remove the word"
                .to_string(),
        ));
    }
    Ok(())
}

/// `--Tag '[{"Key":"a"}]'`: the CLI sends the JSON as one string, which RunInstances does not
/// read as the list or struct it names; the fix spells the flat flags out.
fn json_valued(name: &str, value: Option<&str>) -> Result<(), String> {
    let Some(v) = value.map(str::trim) else {
        return Ok(());
    };
    if !(v.starts_with('[') || v.starts_with('{')) {
        return Ok(());
    }
    let dotted = format!("{name}.");
    let Some(child) = params::specs()
        .iter()
        .find_map(|p| p.name.strip_prefix(dotted.as_str()))
    else {
        return Ok(());
    };
    if serde_json::from_str::<serde_json::Value>(v).is_err() {
        return Ok(());
    }
    let child: Vec<&str> = child
        .split('.')
        .map(|s| if s == "n" { "1" } else { s })
        .collect();
    let example = format!("--{name}.{}", child.join("."));
    Err(format!(
        "--{name} is given as JSON, which the aliyun CLI sends as one string and RunInstances \
         does not read as {name}; give one flag per item, as the CLI's RPC calls take them: \
         {example} VALUE"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse("t:1", text)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .params
            .into_iter()
            .map(|p| (p.name.into_owned(), p.value))
            .collect()
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn flags_become_parameters_in_order() {
        let got = pairs(
            "aliyun ecs RunInstances --RegionId cn-hangzhou --ImageId=img-1 --Amount:2 \
             --Tag.1.Key team --Tag.1.Value web --SecurityGroupIds.1 sg-1",
        );
        assert_eq!(
            got,
            p(&[
                ("RegionId", "cn-hangzhou"),
                ("ImageId", "img-1"),
                ("Amount", "2"),
                ("Tag.1.Key", "team"),
                ("Tag.1.Value", "web"),
                ("SecurityGroupIds.1", "sg-1"),
            ])
        );
    }

    #[test]
    fn quoting_escapes_and_comments() {
        let got = pairs(
            r#"aliyun ecs RunInstances --Description 'a "b" $c' --InstanceName "web \"1\" \$x \d" --HostName a\ b --Tag.1.Value '' # a comment --Amount 9"#,
        );
        assert_eq!(
            got,
            p(&[
                ("Description", "a \"b\" $c"),
                ("InstanceName", "web \"1\" $x \\d"),
                ("HostName", "a b"),
                ("Tag.1.Value", ""),
            ])
        );
        // a '#' inside a word is text
        assert_eq!(
            pairs("aliyun ecs RunInstances --Description a#b"),
            p(&[("Description", "a#b")])
        );
    }

    #[test]
    fn a_trailing_backslash_joins_the_next_line() {
        let text =
            "aliyun ecs RunInstances \\\n  --RegionId cn-hangzhou \\\r\n  --Amount \"2\\\n3\"";
        assert_eq!(
            pairs(text),
            p(&[("RegionId", "cn-hangzhou"), ("Amount", "23")])
        );
        assert_eq!(
            continues(b"aliyun ecs RunInstances \\", Open::START),
            Some(Open::START)
        );
        assert_eq!(
            continues(b"--Amount \"2\\", Open::START),
            Some(Open::Double)
        );
        assert_eq!(continues(b"3\" --X 'a\\'", Open::Double), None);
        assert_eq!(continues(b"--X 1 # note \\", Open::START), None);
        assert_eq!(continues(b"--X a\\\\", Open::START), None);
        let e = parse("t:1", "aliyun ecs RunInstances --X 1 \\").unwrap_err();
        assert!(e.message.contains("no line follows"), "{e:?}");
    }

    #[test]
    fn region_flags_give_region_id() {
        assert_eq!(
            pairs("aliyun --region cn-beijing ecs RunInstances --Amount 1"),
            p(&[("RegionId", "cn-beijing"), ("Amount", "1")])
        );
        // --region wins over --RegionId, as the CLI's invoker reads them
        assert_eq!(
            pairs("aliyun ecs RunInstances --RegionId cn-hangzhou --region cn-beijing"),
            p(&[("RegionId", "cn-beijing")])
        );
    }

    #[test]
    fn the_clis_own_flags_are_dropped() {
        let got = pairs(
            "aliyun -p dev ecs RunInstances --force --endpoint ecs.aliyuncs.com --version \
             2014-05-26 --output cols=InstanceId rows=x --dryrun -q --access-key-id AK \
             --access-key-secret SK --sts-token TK --Amount 1 --skip-secure-verify --DryRun",
        );
        assert_eq!(
            got,
            p(&[("Version", "2014-05-26"), ("Amount", "1"), ("DryRun", "")])
        );
    }

    #[test]
    fn errors_name_the_place_and_never_the_text() {
        let e = |t: &str| parse("t:1", t).unwrap_err();
        let x = e("aliyun ecs DescribeInstances --RegionId cn-hangzhou");
        assert_eq!((x.line, x.column), (0, 12));
        assert!(
            x.message
                .contains("ecs DescribeInstances, not RunInstances"),
            "{x:?}"
        );
        let x = e("aliyun vpc CreateVpc");
        assert!(x.message.contains("calls product vpc, not ecs"), "{x:?}");
        let x = e("aliyun --Password Secret9 vpc RunInstances");
        assert!(x.message.contains("another product") && !x.message.contains("Secret9"));
        let x = e("aliyun ecs runinstances");
        assert!(x.message.contains("case-sensitive"), "{x:?}");
        let x = e("aliyun ecs RunInstances --Password Secret9 Tail8");
        assert_eq!(x.column, 44);
        assert!(!x.message.contains("Tail8") && !x.message.contains("Secret9"));
        let x = e("aliyun ecs RunInstances --Password --Secret9");
        assert_eq!(x.column, 25);
        assert!(x.message.contains("--Password=VALUE") && !x.message.contains("Secret9"));
        let x = e("aliyun ecs RunInstances --Password 'Secret9");
        assert_eq!(x.column, 36);
        assert!(x.message.contains("not closed") && !x.message.contains("Secret9"));
        let x = e("aliyun ecs RunInstances --Password Sec$ret9");
        assert!(x.message.contains("expansion"), "{x:?}");
        let x = e("aliyun ecs RunInstances --Password Sec&ret9");
        assert!(x.message.contains("shell operator") && !x.message.contains("ret9"));
        let x = e("aliyun ecs RunInstances --Amount 1 --Amount 2");
        assert!(x.message.contains("--Amount is given twice"), "{x:?}");
        let x = e("aliyun ecs RunInstances --region");
        assert!(
            x.message.contains("--region must be given a value"),
            "{x:?}"
        );
        let x = e("aliyun ecs RunInstances --UserData-FILE init.sh");
        assert!(x.message.contains("itself with --UserData"), "{x:?}");
        let x = e("aliyun ecs RunInstances --SpotPriceLimit -1");
        assert!(x.message.contains("--Name=VALUE"), "{x:?}");
        let x = e("aliyun ecs RunInstances --help");
        assert!(x.message.contains("help"), "{x:?}");
        let x = e("aliyun ecs RunInstances --force=yes");
        assert!(x.message.contains("takes no value"), "{x:?}");
        let x = e("aliyun \\\n  ecs RunInstances \\\n  --Amount 1 x");
        assert_eq!((x.line, x.column), (2, 14));
    }

    #[test]
    fn json_values_for_lists_are_refused_with_the_flat_spelling() {
        let e = parse(
            "t:1",
            r#"aliyun ecs RunInstances --Tag '[{"Key":"a","Value":"b"}]'"#,
        )
        .unwrap_err();
        assert!(e.message.contains("--Tag.1.Key VALUE"), "{e:?}");
        let e = parse(
            "t:1",
            r#"aliyun ecs RunInstances --SystemDisk '{"Size":40}'"#,
        )
        .unwrap_err();
        assert!(e.message.contains("--SystemDisk.Category VALUE"), "{e:?}");
        // JSON in a plain string parameter is a value like any other
        assert_eq!(
            pairs(r#"aliyun ecs RunInstances --Description '{"a":1}'"#),
            p(&[("Description", r#"{"a":1}"#)])
        );
    }

    #[test]
    fn cli_lines_are_told_by_their_first_word() {
        assert!(is_cli_line("aliyun ecs RunInstances"));
        assert!(is_cli_line("  aliyun\tecs"));
        assert!(is_cli_line("aliyun"));
        assert!(!is_cli_line("aliyunx ecs"));
        assert!(!is_cli_line("RegionId=aliyun"));
        assert!(!is_cli_line("{\"aliyun\":1}"));
    }

    #[test]
    fn the_flag_table_has_unique_names_and_letters() {
        let mut names: Vec<&str> = FLAGS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
        let mut letters: Vec<char> = FLAGS.iter().filter_map(|f| f.short).collect();
        letters.sort_unstable();
        let n = letters.len();
        letters.dedup();
        assert_eq!(letters.len(), n);
        // no flag of the CLI shadows a RunInstances parameter but RegionId
        for f in FLAGS {
            assert!(
                f.name == "RegionId" || params::lookup(f.name).is_none(),
                "{}",
                f.name
            );
        }
    }
}
