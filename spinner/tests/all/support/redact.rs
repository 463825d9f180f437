//! The `spinner object:` line has parts that depend on the machine or on the
//! instant it was printed. These insta filters replace exactly those parts,
//! and nothing else, with what they stand for.

use std::path::Path;

/// The current insta settings, with the filters for the output of `program`
/// (a path to a spinner binary) added.
pub fn settings(program: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    for (pattern, replacement) in filters(program) {
        settings.add_filter(&pattern, replacement);
    }
    settings
}

fn filters(program: &str) -> Vec<(String, String)> {
    let name = Path::new(program)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default();
    if name.starts_with("spinner-tokio") && !name.contains("current-thread") {
        // tokio numbers tasks from one counter, and its multi-thread runtime
        // starts each worker thread as a blocking task that takes a number:
        // the first task `main` spawns gets the number after the workers'.
        // In the spawned experiment that first task is `supervisor`, and the
        // spinner gets the next one. Any other number fails the snapshot.
        let (tasks_before, label) = if name.contains("spawned") {
            (2, "workers + 2")
        } else {
            (1, "workers + 1")
        };
        let id = tokio_worker_threads() + tasks_before;
        vec![(format!(r"\bId\({id}\)"), format!("Id([{label}])"))]
    } else if name.starts_with("spinner-async-std") {
        // async-std runs the task on another thread at once: whether it is
        // still queued (`scheduled`), being polled (`running`) and how many
        // wakers and runnables point to it (`ref_count`) depend on that instant.
        vec![
            (
                r"\b(scheduled|running): (true|false)\b".to_string(),
                "$1: [that instant]".to_string(),
            ),
            (
                r"\bref_count: \d+\b".to_string(),
                "ref_count: [that instant]".to_string(),
            ),
        ]
    } else {
        // The thread's id, smol's header and tokio's current-thread task id
        // (`Id(1)`: no worker threads) never vary.
        vec![]
    }
}

/// How many worker threads tokio's multi-thread runtime starts, counted as
/// tokio counts them: `TOKIO_WORKER_THREADS`, or else one per CPU this
/// process may use (a test's child process inherits both).
pub fn tokio_worker_threads() -> usize {
    match std::env::var("TOKIO_WORKER_THREADS") {
        Ok(n) => n.parse().expect("TOKIO_WORKER_THREADS is a number"),
        Err(_) => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}
