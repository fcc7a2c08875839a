//! The fuzzer's own parts: generation is deterministic and valid, shrinking only gives
//! smaller valid programs, corpus headers read back, and the interpreter agrees with itself.

use std::sync::Arc;

use aio_harness::RuntimeKind;
use aio_harness::fuzz::generator::{generate, shrink};
use aio_harness::fuzz::lang::{Dur, Program, Step, TaskDef};
use aio_harness::fuzz::{Verdict, apply_path, corpus_file, parse_corpus, python, run_rust};

#[test]
fn a_seed_always_gives_the_same_valid_program() {
    for seed in 0..300 {
        let program = generate(seed, (3, 13));
        assert!(
            program.is_valid(),
            "seed {seed} gave an invalid program: {program:?}"
        );
        assert_eq!(
            program,
            generate(seed, (3, 13)),
            "seed {seed} is not deterministic"
        );
    }
    assert_ne!(generate(1, (3, 11)), generate(2, (3, 11)));
}

#[test]
fn shrinking_gives_valid_programs_one_change_smaller() {
    for seed in 0..40 {
        let program = generate(seed, (3, 13));
        for smaller in shrink(&program) {
            assert!(smaller.is_valid());
            assert!(
                smaller.size() <= program.size(),
                "{smaller:?} is not smaller than {program:?}"
            );
            assert_ne!(smaller, program);
        }
    }
}

#[test]
fn a_step_naming_a_task_not_spawned_is_invalid() {
    let program = Program {
        tasks: vec![
            TaskDef {
                steps: vec![Step::Await(1)],
                fails: false,
            },
            TaskDef {
                steps: vec![],
                fails: false,
            },
        ],
        locks: 0,
        sems: vec![],
        events: 0,
        queues: vec![],
        conds: 0,
        barriers: vec![],
        gens: vec![],
    };
    assert!(!program.is_valid());
    let spawned = Program {
        tasks: vec![
            TaskDef {
                steps: vec![Step::Spawn(1), Step::Await(1)],
                fails: false,
            },
            TaskDef {
                steps: vec![],
                fails: true,
            },
        ],
        ..program
    };
    assert!(spawned.is_valid());
}

#[test]
fn durations_are_exact_in_both_languages() {
    let d = Dur { ticks: 2, site: 3 };
    assert_eq!(d.duration(), std::time::Duration::from_micros(2_000_008));
    assert_eq!(d.python(), "2.000008");
}

#[test]
fn the_script_spawns_and_joins_what_the_program_says() {
    let program = Program {
        tasks: vec![
            TaskDef {
                steps: vec![Step::Spawn(1), Step::Cancel(1, Some("m1".into()))],
                fails: false,
            },
            TaskDef {
                steps: vec![Step::Sleep(Dur { ticks: 1, site: 1 })],
                fails: true,
            },
        ],
        locks: 0,
        sems: vec![],
        events: 0,
        queues: vec![],
        conds: 0,
        barriers: vec![],
        gens: vec![],
    };
    let script = python::render(&program);
    assert!(script.contains("c1 = spawn(t1, \"t1\")"), "{script}");
    assert!(script.contains("c1.cancel('m1')"), "{script}");
    assert!(script.contains("raise ValueError(\"e1\")"), "{script}");
    assert!(script.contains("asyncio.run(main())"), "{script}");
}

#[test]
fn a_corpus_header_reads_back_and_replays_the_same_program() {
    let seed = 1234;
    let program = generate(seed, (3, 13));
    let path: Vec<usize> = shrink(&program)
        .first()
        .map(|_| vec![0])
        .unwrap_or_default();
    let shrunk = apply_path(seed, (3, 13), &path).expect("the path applies");
    let verdict = Verdict::Differs {
        rust: "x\n".into(),
        failures: vec![],
    };
    let text = corpus_file(seed, &path, &shrunk, RuntimeKind::Smol, "y\n", &verdict);
    assert_eq!(
        parse_corpus(&text).unwrap(),
        (seed, path, RuntimeKind::Smol)
    );
    assert!(parse_corpus("import asyncio\n").is_err());
}

#[test]
fn the_interpreter_is_deterministic_on_every_runtime() {
    for seed in 0..20 {
        let program = Arc::new(generate(seed, (3, 13)));
        let first = run_rust(RuntimeKind::Tokio, &program);
        for kind in RuntimeKind::ALL {
            let run = run_rust(*kind, &program);
            assert_eq!(
                run.trace, first.trace,
                "seed {seed}: {kind} differs from tokio"
            );
            assert!(
                run.trace.ends_with("main: end\n"),
                "seed {seed} on {kind}: {}",
                run.trace
            );
        }
    }
}
