//! The registry is consistent: every scenario is tested on the runtime matrix, every parity
//! scenario has a Python twin and a committed CPython trace, names are unique, and the
//! `aio` command's name handling is exact.

use std::collections::HashSet;
use std::path::Path;

use aio_harness::{CONCEPTS, Group, RuntimeKind, UnknownScenario, oracle, registry, select};

/// The sources of the harness's tests: the `suite` binary's modules and the binaries
/// beside it.
fn test_sources() -> String {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut all = String::new();
    for dir in [tests.join("suite"), tests] {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                all += &std::fs::read_to_string(entry.path()).unwrap();
            }
        }
    }
    all
}

#[test]
fn every_scenario_has_a_matrix_test() {
    let sources = test_sources();
    for s in registry() {
        let check = match s.group {
            Group::Parity => format!("check_parity(\"{}\"", s.name),
            Group::Differences => format!("check_differences(\"{}\"", s.name),
        };
        assert!(
            sources.contains(&check),
            "scenario '{}' has no test calling {check}, kind)",
            s.name
        );
    }
}

#[test]
fn every_parity_scenario_has_a_python_twin_and_a_committed_trace() {
    for s in registry().into_iter().filter(|s| s.group == Group::Parity) {
        assert!(
            oracle::script(s).is_file(),
            "'{}' has no Python twin at {}",
            s.name,
            oracle::script(s).display()
        );
        assert!(
            oracle::committed(s).is_some(),
            "'{}' has no committed trace; run `just oracle`",
            s.name
        );
    }
}

#[test]
fn names_are_unique_and_concepts_known() {
    let mut seen = HashSet::new();
    for s in registry() {
        assert!(seen.insert(s.name), "two scenarios are named '{}'", s.name);
        assert!(
            CONCEPTS.iter().any(|c| c.name == s.concept),
            "'{}' has unknown concept '{}'",
            s.name,
            s.concept
        );
        if s.concept == "runtime" {
            assert_eq!(
                s.group,
                Group::Differences,
                "'{}': the 'runtime' concept holds only the differences group",
                s.name
            );
        }
        assert!(
            !s.description.is_empty() && !s.description.ends_with('.'),
            "'{}': one-line description, no full stop",
            s.name
        );
    }
}

#[test]
fn select_by_scenario_or_concept_and_reject_unknown_names() {
    assert_eq!(select(&[]).unwrap().len(), registry().len());
    let by_name = select(&["sleep_order".to_owned()]).unwrap();
    assert_eq!(
        by_name.iter().map(|s| s.name).collect::<Vec<_>>(),
        ["sleep_order"]
    );
    assert!(
        select(&["sleep".to_owned()])
            .unwrap()
            .iter()
            .all(|s| s.concept == "sleep")
    );
    let err = select(&["nope".to_owned()]).unwrap_err();
    assert_eq!(err, UnknownScenario("nope".into()));
    assert_eq!(
        err.to_string(),
        "no scenario or concept 'nope'; try 'aio list'"
    );
}

#[test]
fn runtime_names_round_trip_and_unknown_ones_list_the_known() {
    for &kind in RuntimeKind::ALL {
        assert_eq!(kind.name().parse::<RuntimeKind>(), Ok(kind));
    }
    let err = "tokyo".parse::<RuntimeKind>().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no runtime 'tokyo'; known runtimes: {}",
            RuntimeKind::known_names()
        )
    );
}

#[test]
fn docs_are_fresh() {
    let stale = aio_harness::docs::stale();
    assert!(
        stale.is_empty(),
        "docs/ is stale, run `just docs`: {stale:?}"
    );
}
