//! The results as a terminal table, as `docs/performance.md`, and as one SVG chart per
//! workload family under `docs/perf/`.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{Results, Row, Stats};

fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        "n/a".to_owned()
    } else if v >= 100_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn fmt_stats(s: &Stats) -> String {
    format!(
        "{} [{}-{}]",
        fmt_value(s.median),
        fmt_value(s.min),
        fmt_value(s.max)
    )
}

fn python_for<'a>(results: &'a Results, row: &Row) -> Option<&'a Stats> {
    results
        .python
        .iter()
        .find(|p| p.workload.name == row.workload.name && p.loop_name == "asyncio")
        .map(|p| &p.stats)
}

fn table_rows(results: &Results) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for row in &results.rows {
        let py = python_for(results, row);
        rows.push(vec![
            row.workload.name.to_owned(),
            row.runtime.name().to_owned(),
            row.size.to_string(),
            row.workload.unit.to_owned(),
            fmt_stats(&row.ours),
            fmt_stats(&row.native),
            if row.ratio().is_finite() {
                format!("{:.2}x", row.ratio())
            } else {
                "-".to_owned()
            },
            py.map_or("-".to_owned(), |p| fmt_value(p.median)),
            py.map_or("-".to_owned(), |p| {
                format!("{:.1}x", p.median / row.ours.median)
            }),
            row.handoff.as_ref().map_or("-".to_owned(), fmt_stats),
        ]);
    }
    rows
}

const HEADER: [&str; 10] = [
    "workload",
    "runtime",
    "size",
    "unit",
    "ours median [min-max]",
    "native",
    "ours/native",
    "cpython",
    "cpython/ours",
    "handoff ns",
];

/// The results as an aligned text table.
pub fn render_terminal(results: &Results) -> String {
    let mut all = vec![HEADER.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()];
    all.extend(table_rows(results));
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|i| all.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in all.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if i == 0 {
            let _ = writeln!(
                out,
                "{}",
                widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  ")
            );
        }
    }
    for p in results.python.iter().filter(|p| p.loop_name != "asyncio") {
        let _ = writeln!(
            out,
            "{} on CPython + {}: {}",
            p.workload.name,
            p.loop_name,
            fmt_stats(&p.stats)
        );
    }
    out
}

fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} cores, {cpu}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

fn versions() -> String {
    let lock = std::fs::read_to_string(crate::docs::root().join("Cargo.lock")).unwrap_or_default();
    let version = |name: &str| -> String {
        let needle = format!("name = \"{name}\"\nversion = \"");
        lock.find(&needle)
            .and_then(|i| {
                lock[i + needle.len()..]
                    .split('"')
                    .next()
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "?".to_owned())
    };
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "no python3".to_owned());
    format!(
        "tokio {}, async-std {}, smol {}, async-executor {}, async-io {}; {python}",
        version("tokio"),
        version("async-std"),
        version("smol"),
        version("async-executor"),
        version("async-io")
    )
}

/// `docs/performance.md`.
pub fn render_markdown(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Generated by `aio bench`. Do not edit: run `cargo run --release -p aio-harness -- bench` and commit. -->\n"
    );
    let _ = writeln!(out, "# Performance\n");
    let _ = writeln!(
        out,
        "Each workload on each runtime: **ours** (the asyncio-rosetta primitive through `aio_rt::Runtime`) beside the **native** equivalent on the same runtime, run interleaved (A B A B ...), and CPython's asyncio running the same workload. Figures are medians of {} runs with the [min-max] range. **The ratios are the headline**; absolute figures depend on the machine.\n",
        if results.quick { "3 (`--quick`)" } else { "7" }
    );
    let _ = writeln!(
        out,
        "- date: {}\n- machine: {}\n- versions: {}\n- command: `cargo run --release -p aio-harness -- bench{}`\n",
        today(),
        machine(),
        versions(),
        if results.quick { " --quick" } else { "" }
    );
    let _ = writeln!(
        out,
        "Reading the tables: `ours/native` below 1.0 is faster than native, above slower; `cpython/ours` is how many times CPython's figure is ours (higher is better for us); `handoff ns`, on the two runtimes with two worker threads (tokio-mt, async-std), is the round trip of a cache line between two threads measured before each round (`aio_harness::bench::handoff_ns`). On a virtual machine it moves as the host places the vCPUs, and a workload that hands data between the workers moves with it: a row whose handoff reads in the hundreds of nanoseconds ran on far cores, and its figures on those two runtimes say more about the host than about the code (the queue workload with four producers and four consumers on tokio-mt, `crates/queues/examples/profile_queue`, took 48 to 74 ns per item in eight runs beside a handoff of 50 to 187 ns, and 332 and 375 ns in two runs beside 429 and 473, the same binary within half a minute).\n"
    );
    let mut families: Vec<&str> = results.rows.iter().map(|r| r.workload.family).collect();
    families.dedup();
    for family in families {
        let _ = writeln!(out, "## {family}\n");
        let mut seen = Vec::new();
        for row in results.rows.iter().filter(|r| r.workload.family == family) {
            if !seen.contains(&row.workload.name) {
                seen.push(row.workload.name);
                let _ = writeln!(
                    out,
                    "- `{}` ({}): {}; native: {}.",
                    row.workload.name,
                    row.workload.unit,
                    row.workload.description,
                    row.workload.native
                );
            }
        }
        let _ = writeln!(
            out,
            "\n| {} |\n|{}",
            HEADER.join(" | "),
            "---|".repeat(HEADER.len())
        );
        let family_results = Results {
            rows: results
                .rows
                .iter()
                .filter(|r| r.workload.family == family)
                .cloned()
                .collect(),
            python: results.python.clone(),
            quick: results.quick,
        };
        for r in table_rows(&family_results) {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        for p in results
            .python
            .iter()
            .filter(|p| p.loop_name != "asyncio" && p.workload.family == family)
        {
            let _ = writeln!(
                out,
                "\n{} on CPython + {}: {}",
                p.workload.name,
                p.loop_name,
                fmt_stats(&p.stats)
            );
        }
        let _ = writeln!(out, "\n![{family}](perf/{family}.svg)\n");
    }
    out
}

/// A horizontal bar chart (log scale) of one family: ours, native and CPython per workload.
pub fn render_svg(results: &Results, family: &str) -> String {
    let mut bars: Vec<(String, f64, &str)> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for row in results.rows.iter().filter(|r| r.workload.family == family) {
        if !names.contains(&row.workload.name) {
            names.push(row.workload.name);
        }
    }
    for name in &names {
        for row in results.rows.iter().filter(|r| r.workload.name == *name) {
            bars.push((
                format!("{name} {} ours", row.runtime),
                row.ours.median,
                "#2b7bb9",
            ));
            bars.push((
                format!("{name} {} native", row.runtime),
                row.native.median,
                "#9aa5b1",
            ));
        }
        if let Some(p) = results
            .python
            .iter()
            .find(|p| p.workload.name == *name && p.loop_name == "asyncio")
        {
            bars.push((format!("{name} CPython asyncio"), p.stats.median, "#e0a030"));
        }
    }
    let finite: Vec<f64> = bars
        .iter()
        .map(|b| b.1)
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let (lo, hi) = finite
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let (lo, hi) = if finite.is_empty() {
        (1.0, 10.0)
    } else {
        (
            lo.log10().floor(),
            hi.log10().ceil().max(lo.log10().floor() + 1.0),
        )
    };
    let (label_w, plot_w, bar_h) = (260.0, 480.0, 16.0);
    let height = 40.0 + bars.len() as f64 * (bar_h + 4.0) + 30.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"14\">{family}: median per operation (log scale; shorter is faster)</text>\n",
        label_w + plot_w + 90.0
    );
    for decade in (lo as i32)..=(hi as i32) {
        let x = label_w + (f64::from(decade) - lo) / (hi - lo) * plot_w;
        let _ = writeln!(
            svg,
            "<line x1=\"{x}\" y1=\"30\" x2=\"{x}\" y2=\"{}\" stroke=\"#ddd\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">1e{decade}</text>",
            height - 25.0,
            height - 12.0
        );
    }
    for (i, (label, value, color)) in bars.iter().enumerate() {
        let y = 35.0 + i as f64 * (bar_h + 4.0);
        let w = if value.is_finite() && *value > 0.0 {
            ((value.log10() - lo) / (hi - lo) * plot_w).max(1.0)
        } else {
            0.0
        };
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 12.0,
            label_w + w + 4.0,
            y + 12.0,
            fmt_value(*value)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Writes `docs/performance.md` and `docs/perf/<family>.svg`; returns the paths written.
///
/// # Errors
///
/// When a file cannot be written.
pub fn write_docs(results: &Results) -> std::io::Result<Vec<PathBuf>> {
    let root = crate::docs::root();
    std::fs::create_dir_all(root.join("docs/perf"))?;
    let mut written = vec![PathBuf::from("docs/performance.md")];
    std::fs::write(root.join("docs/performance.md"), render_markdown(results))?;
    let mut families: Vec<&str> = results.rows.iter().map(|r| r.workload.family).collect();
    families.dedup();
    for family in families {
        let path = PathBuf::from(format!("docs/perf/{family}.svg"));
        std::fs::write(root.join(&path), render_svg(results, family))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuntimeKind;
    use crate::bench::WORKLOADS;

    fn stats(median: f64, min: f64, max: f64) -> Stats {
        Stats { median, min, max }
    }

    #[test]
    fn the_handoff_column_is_filled_on_threaded_runtimes_only() {
        let workload = &WORKLOADS[0];
        let row = |runtime, handoff| Row {
            workload,
            runtime,
            size: 10,
            ours: stats(2.0, 1.0, 3.0),
            native: stats(1.0, 1.0, 1.0),
            handoff,
        };
        let results = Results {
            rows: vec![
                row(RuntimeKind::Smol, None),
                row(RuntimeKind::TokioMt, Some(stats(61.0, 48.0, 473.0))),
            ],
            python: Vec::new(),
            quick: false,
        };
        let markdown = render_markdown(&results);
        let header = markdown
            .lines()
            .find(|line| line.starts_with("| workload"))
            .expect("a table");
        assert!(
            header.ends_with("| cpython/ours | handoff ns |"),
            "{header}"
        );
        let cells = |runtime: &str| -> Vec<String> {
            let line = markdown
                .lines()
                .find(|line| line.contains(&format!("| {runtime} |")))
                .expect("the runtime's row");
            line.split('|').map(|cell| cell.trim().to_owned()).collect()
        };
        assert_eq!(cells("smol")[10], "-");
        assert_eq!(cells("tokio-mt")[10], "61.0 [48.0-473]");
        assert_eq!(cells("tokio-mt")[7], "2.00x");
    }
}
