//! No scenario and no twin types an exception by hand: every exception a trace shows is
//! printed by the shared formatter (`aio_harness::exc` in Rust, `exc` in
//! `harness/oracle/rosetta.py`), so that a trace line with an exception is what CPython
//! prints or a difference, never our wording on both sides.
//!
//! The scan reads the parity scenarios (`harness/src/scenarios/*.rs`, but `runtime.rs`,
//! whose scenarios use the raw runtimes and have no twin) and the twins
//! (`harness/oracle/*/*.py`), and fails on:
//! - a trace line (`log(...)`, or `format!` on the Rust side) whose text names an exception
//!   class (`RuntimeError: ...`, `got CancelledError`), other than as a call's argument
//!   (`athrow(ValueError)`);
//! - a trace line holding an exception text of the error catalogue (CPython's `str()` or
//!   the Rust `Display`, ten characters or more);
//! - in a twin, a caught exception formatted without `exc` (`{e}`, `str(e)`, `e.args`).

use std::path::{Path, PathBuf};

use aio_harness::docs::root;
use aio_harness::errors::CATALOGUE;

/// The files under `dir` ending in `.ext`, one level of folders deep at most.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            out.extend(files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The string literals of a line (`"..."`, escapes kept as written).
fn literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let body = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else { break };
        out.push(&body[..end]);
        rest = &body[end + 1..];
    }
    out
}

/// `text` without its `{...}` placeholders: what the format string itself types.
fn typed(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The exception class a text names, if any: a capitalised word ending as asyncio's and
/// Python's exception classes end, not written as a call's argument.
fn names_a_class(text: &str) -> Option<&str> {
    const ENDINGS: [&str; 7] = [
        "Error",
        "Exception",
        "Full",
        "Empty",
        "ShutDown",
        "StopAsyncIteration",
        "GeneratorExit",
    ];
    let bytes = text.as_bytes();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if c.is_ascii_alphanumeric() || c == '_' {
            start.get_or_insert(i);
            continue;
        }
        let Some(s) = start.take() else { continue };
        let word = &text[s..i];
        let as_argument = s > 0 && bytes[s - 1] == b'(';
        if word.starts_with(|c: char| c.is_ascii_uppercase())
            && ENDINGS.iter().any(|e| word.ends_with(e))
            && !as_argument
        {
            return Some(word);
        }
    }
    None
}

/// The catalogue's exception texts worth scanning for: the library's wording, ten
/// characters or more, not a text the program itself passes (`cancel('shutting down')`:
/// the row's snippet holds it).
fn catalogue_texts() -> Vec<&'static str> {
    let mut texts: Vec<&str> = CATALOGUE
        .iter()
        .flat_map(|c| [(c, c.python_message), (c, c.message)])
        .filter(|(c, t)| t.len() >= 10 && !t.contains("...") && !c.snippet.contains(*t))
        .map(|(_, t)| t)
        .collect();
    texts.sort_unstable();
    texts.dedup();
    texts
}

/// What is wrong with one trace line's literals, if anything.
fn check_line(texts: &[&str], literals: &[&str]) -> Option<String> {
    for literal in literals {
        let typed = typed(literal);
        if let Some(class) = names_a_class(&typed) {
            return Some(format!("types the class {class}"));
        }
        if let Some(text) = texts.iter().find(|t| typed.contains(**t)) {
            return Some(format!("types the exception text {text:?}"));
        }
    }
    None
}

/// The names a twin binds with `except ... as NAME:`.
fn caught_names(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("except ")?;
            let (_, name) = rest.rsplit_once(" as ")?;
            name.strip_suffix(':')
        })
        .collect()
}

fn scan() -> Vec<String> {
    let root = root();
    let texts = catalogue_texts();
    let mut found = Vec::new();
    for path in files(&root.join("harness/src/scenarios"), "rs") {
        if path.file_name().is_some_and(|n| n == "runtime.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in source.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || !(code.contains("log(") || code.contains("format!(")) {
                continue;
            }
            if let Some(what) = check_line(&texts, &literals(line)) {
                found.push(format!("{}:{}: {what}: {}", path.display(), n + 1, code));
            }
        }
    }
    for path in files(&root.join("harness/oracle"), "py") {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "rosetta.py" || name == "catalogue.py" {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("readable");
        let caught = caught_names(&source);
        for (n, line) in source.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with('#') {
                continue;
            }
            for name in &caught {
                let raw = [
                    format!("{{{name}}}"),
                    format!("{{{name}!r}}"),
                    format!("str({name})"),
                    format!("repr({name})"),
                    format!("{name}.args"),
                ];
                if let Some(form) = raw.iter().find(|form| code.contains(form.as_str())) {
                    found.push(format!(
                        "{}:{}: formats a caught exception without exc(): {form}: {code}",
                        path.display(),
                        n + 1
                    ));
                }
            }
            if !code.contains("log(") {
                continue;
            }
            if let Some(what) = check_line(&texts, &literals(line)) {
                found.push(format!("{}:{}: {what}: {}", path.display(), n + 1, code));
            }
        }
    }
    found
}

#[test]
fn no_scenario_and_no_twin_types_an_exception_by_hand() {
    let found = scan();
    assert!(
        found.is_empty(),
        "exceptions typed by hand (print them with exc):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_sees_what_it_must_refuse() {
    let texts = catalogue_texts();
    assert!(texts.contains(&"Set of Tasks/Futures is empty."));
    for line in [
        r#"log("main", "put_nowait(2): queue is full")"#,
        r#"log("main", f"RuntimeError: {error}")"#,
        r#"cx.log("main", format!("got CancelledError: {}", e.message))"#,
        r#"log("main", "wait on nothing: Set of Tasks/Futures is empty.")"#,
    ] {
        assert!(
            check_line(&texts, &literals(line)).is_some(),
            "not refused: {line}"
        );
    }
    for line in [
        r#"log("main", f"athrow(ValueError): {exc(why)}")"#,
        r#"cx.log("main", format!("gather raised: {}", exc(&e)))"#,
        r#"log("main", "cancelling the waiter")"#,
    ] {
        assert_eq!(check_line(&texts, &literals(line)), None, "refused: {line}");
    }
    let twin = "try:\n    x()\nexcept ValueError as e:\n    log('m', f'{e}')\n";
    assert_eq!(caught_names(twin), ["e"]);
}
