//! The timeline: who ran when, on which thread. Every lab can draw it.
//!
//! ```text
//! labs::watch!("spinner", spin("thinking!"))  // a task: each poll is recorded (wrap it where it is spawned)
//! labs::timeline::span("spinner", || spin())  // blocking work: a thread's function, a spawn_blocking closure
//! labs::timeline::event("frame")              // an instant: a frame drawn, a request sent (StatusLine::draw does it)
//! labs::timeline::warn_slow_polls(limit)      // debug mode: a watched poll longer than `limit` is reported on stderr
//! cargo run --bin spinner-tokio -- --timeline               # the picture on stderr after the run
//! cargo run --bin spinner-tokio -- --timeline=run.html      # or .json (Perfetto, chrome://tracing) or .txt
//! ```
//! Every binary that parses its options with [`crate::parse_args`] (and has
//! no subcommands) accepts `--timeline[=FILE]`: nothing else to wire. The
//! picture is drawn when the process exits (main returns, `exit`, Ctrl-C
//! in a program that handles it: every one that draws a `StatusLine`, after
//! the terminal is restored, and the servers; one that Ctrl-C kills outright
//! draws nothing). A bad FILE is refused before the lab
//! runs (one line, exit status 2); the file is written whole or not at all.
//!
//! Reading and drawing: [`from_chrome_json`] reads a `.json` back into
//! [`Recording`]s; [`picture`], [`html`] and [`chrome_json`] each take
//! several recordings and draw them on one time scale (for comparing
//! variants); tests run a binary with `labs::testkit::run_with_timeline`
//! and look at [`Recording::events_named`], never at exact times.
//!
//! Off (the default), each watched poll costs one relaxed atomic load and
//! nothing else, and a task watched under a name written in the source
//! (`watch!("spinner", ...)`) is no longer than its future: the macro makes
//! the name a type of its own, which stores nothing. A name known only at
//! run time (`watch!(label, ...)`) is kept in a table of names, once each,
//! only when the recording or debug mode is on, and the task holds its
//! number: two bytes, padded to the future's alignment. On, each thread
//! records into a buffer of its own, registered once, that starts small
//! (16 events: a server with a thread per connection records thousands of
//! connections) and grows as the thread needs; no event takes a lock;
//! memory is bounded ([`MAX_EVENTS`] for all threads together), and the
//! picture says how many events were not recorded past it.
//!
//! Why hand-written and not `tracing`: the labs need three calls, one
//! clock and one buffer per thread; `tracing` plus a subscriber would add
//! crates to every lab's build and a subscriber set-up to every `main`, and
//! its spans would still need this code to turn them into polls per thread.

mod export;
mod picture;

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

pub use export::{chrome_json, from_chrome_json, html};
pub use picture::{DEFAULT_WIDTH, Style, picture, strips};

// ---------------------------------------------------------------------------
// What is recorded.

/// What an [`Event`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One poll of a watched task.
    Poll,
    /// Blocking work run inside [`span`].
    Span,
    /// An instant: [`event`].
    Instant,
}

/// One recorded event, in nanoseconds since the recording started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    /// The task's, the span's or the instant's name.
    pub name: String,
    pub start: u64,
    /// The same as `start` for an instant.
    pub end: u64,
}

/// One thread of a recording, with its events in the order they happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// As the runtime named it (`main`, `tokio-rt-worker`, ...),
    /// numbered when several threads share a name: `tokio-rt-worker 2`.
    pub name: String,
    pub events: Vec<Event>,
}

/// What one run recorded: its threads, and how many events were not
/// recorded because the buffers were full.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recording {
    /// What ran: the program's name (`spinner-tokio`).
    pub label: String,
    pub threads: Vec<Thread>,
    pub not_recorded: u64,
}

impl Recording {
    /// The events named `name`, each with its thread's name, in the order
    /// they started.
    pub fn events_named(&self, name: &str) -> Vec<(&str, &Event)> {
        let mut events: Vec<(&str, &Event)> = self
            .threads
            .iter()
            .flat_map(|thread| {
                thread
                    .events
                    .iter()
                    .map(move |event| (thread.name.as_str(), event))
            })
            .filter(|(_, event)| event.name == name)
            .collect();
        events.sort_by_key(|(_, event)| event.start);
        events
    }

    /// When the last event ended, in nanoseconds.
    pub fn end(&self) -> u64 {
        let ends = self.threads.iter().flat_map(|thread| &thread.events);
        ends.map(|event| event.end).max().unwrap_or(0)
    }

    /// The time scale that several recordings share: the latest end of them
    /// all, in nanoseconds, at least 1 (a scale to divide by).
    pub fn span_of(recordings: &[Recording]) -> u64 {
        recordings
            .iter()
            .map(Recording::end)
            .max()
            .unwrap_or(0)
            .max(1)
    }
}

// ---------------------------------------------------------------------------
// The API: watch, span, event.

/// Whether anybody looks at polls (the timeline, or debug mode's warning):
/// the one load a watched poll costs when nobody does.
static WATCHING: AtomicBool = AtomicBool::new(false);
/// Whether events are recorded.
static RECORDING: AtomicBool = AtomicBool::new(false);
/// Debug mode's threshold in nanoseconds; 0 when off.
static SLOW_POLL: AtomicU64 = AtomicU64::new(0);

/// Wraps a task's future so that each of its polls is timed and recorded
/// under a name, on every runtime (it is only a future around a future):
/// `tokio::spawn(labs::watch!("spinner", spin("thinking!")))`, as asyncio's
/// `create_task(coro, name=...)` names a task.
///
/// A name written in the source (a string literal) becomes a type of its
/// own, a [`TaskName`] that stores nothing: the task is no longer than its
/// future, so it keeps its runtime's size of task (tokio keeps a task in a
/// cell of 128 bytes, or 256, ...: one byte more than a cell holds takes the
/// next). Any other name (`watch!(label, ...)`, known at run time) goes
/// through [`watch()`](fn@crate::timeline::watch), two bytes.
#[macro_export]
macro_rules! watch {
    ($name:literal, $future:expr $(,)?) => {{
        struct Name;
        impl $crate::timeline::TaskName for Name {
            fn name(&self) -> &'static str {
                $name
            }
        }
        $crate::timeline::Watched::new(Name, $future)
    }};
    ($name:expr, $future:expr $(,)?) => {
        $crate::timeline::watch($name, $future)
    };
}

/// [`watch!`](crate::watch!) for a name known only at run time: the task
/// holds the name's number in a table of names (two bytes, padded to the
/// future's alignment).
///
/// Watch tasks after the recording (or debug mode) started, as every lab
/// does after [`crate::parse_args`]: a task wrapped before that is recorded
/// as [`UNNAMED`], since then nothing looked at names and none was kept.
pub fn watch<F: Future>(name: &'static str, future: F) -> Watched<F, Numbered> {
    let number = if WATCHING.load(Ordering::Relaxed) {
        names::intern(&names::NAMES, name)
    } else {
        None
    };
    Watched {
        name: Numbered(number),
        future,
    }
}

/// The name of a watched task, as recorded.
pub trait TaskName {
    fn name(&self) -> &'static str;
}

/// A name known at run time, by its number in the table of names.
#[derive(Clone, Copy)]
pub struct Numbered(Option<names::Id>);

impl TaskName for Numbered {
    fn name(&self) -> &'static str {
        names::name(&names::NAMES, self.0)
    }
}

/// The name of a task watched before anything looked at polls, or past
/// the table of names (a program with more than a thousand task names).
pub const UNNAMED: &str = "(unnamed)";

pin_project_lite::pin_project! {
    /// A future that times each of its polls: see [`watch!`](crate::watch!).
    /// It holds the future itself, not a box: watching allocates nothing.
    /// And it holds its name as a type that stores nothing, or as a number
    /// of two bytes, never the name itself (16 bytes).
    pub struct Watched<F, N> {
        name: N,
        #[pin]
        future: F,
    }
}

impl<F, N: TaskName> Watched<F, N> {
    /// What [`watch!`](crate::watch!) builds for a name written in the
    /// source.
    pub fn new(name: N, future: F) -> Watched<F, N> {
        Watched { name, future }
    }
}

impl<F: Future, N: TaskName> Future for Watched<F, N> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if !WATCHING.load(Ordering::Relaxed) {
            return this.future.poll(cx);
        }
        let start = now();
        let poll = this.future.poll(cx);
        let end = now();
        let name = this.name.name();
        record(Kind::Poll, name, start, end);
        warn_if_slow(name, end - start);
        poll
    }
}

impl<F, N: TaskName> fmt::Debug for Watched<F, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watched")
            .field("name", &self.name.name())
            .finish()
    }
}

/// Task names, each kept once in a fixed table, and a watched task's number
/// for its name in it.
mod names {
    use std::num::NonZeroU16;
    use std::sync::OnceLock;

    /// A name's place in the table, plus one.
    pub(super) type Id = NonZeroU16;

    /// Different task names a program can have; more are [`super::UNNAMED`].
    pub(super) const MAX_NAMES: usize = 1024;

    /// The table: filled from the front, each slot once, never emptied.
    pub(super) static NAMES: [OnceLock<&'static str>; MAX_NAMES] =
        [const { OnceLock::new() }; MAX_NAMES];

    /// `name`'s number in `table`, added if new; `None` once it is full.
    /// No lock: threads that add two new names at once each take the first
    /// empty slot they reach; one fills it, the other sees a name that is
    /// not its own and goes on to the next. So a name is never kept twice:
    /// every slot before the one a thread fills was full with another name.
    pub(super) fn intern(table: &[OnceLock<&'static str>], name: &'static str) -> Option<Id> {
        let index = table.iter().position(|slot| {
            let kept = *slot.get_or_init(|| name);
            std::ptr::eq(kept, name) || kept == name
        })?;
        Id::new(u16::try_from(index + 1).ok()?)
    }

    /// The name numbered `id` in `table`.
    pub(super) fn name(table: &[OnceLock<&'static str>], id: Option<Id>) -> &'static str {
        id.and_then(|id| table.get(usize::from(id.get()) - 1))
            .and_then(OnceLock::get)
            .copied()
            .unwrap_or(super::UNNAMED)
    }
}

/// Runs `work` and records it as blocking work named `name` on this thread:
/// a thread's function, a `spawn_blocking` or `unblock` closure.
pub fn span<R>(name: &'static str, work: impl FnOnce() -> R) -> R {
    if !RECORDING.load(Ordering::Relaxed) {
        return work();
    }
    let start = now();
    let result = work();
    record(Kind::Span, name, start, now());
    result
}

/// Records an instant named `name` on this thread: a spinner frame drawn,
/// a request sent, a connection closed.
pub fn event(name: &'static str) {
    if RECORDING.load(Ordering::Relaxed) {
        let at = now();
        record(Kind::Instant, name, at, at);
    }
}

/// Debug mode, as asyncio's: from now on, each poll of a [`watch`]ed task
/// that takes longer than `limit` is reported on stderr, naming the task and
/// the `--slow-poll` option that sets the limit. The report is written in
/// one piece, never in the middle of a status line's frame.
pub fn warn_slow_polls(limit: Duration) {
    let nanos = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX).max(1);
    SLOW_POLL.store(nanos, Ordering::Relaxed);
    WATCHING.store(true, Ordering::Relaxed);
}

fn warn_if_slow(task: &str, took: u64) {
    let limit = SLOW_POLL.load(Ordering::Relaxed);
    if limit != 0 && took > limit {
        crate::term::print_line_on_stderr(&format!(
            "debug: executing task '{task}' took {:.3} seconds in one poll (more than --slow-poll {} ms)",
            Duration::from_nanos(took).as_secs_f64(),
            limit / 1_000_000
        ));
    }
}

// ---------------------------------------------------------------------------
// The recorder: one buffer per thread, written by that thread alone.

/// The most events one run records, all threads together (about 12 MB).
pub const MAX_EVENTS: usize = 256 * 1024;
/// A thread's first chunk of events: small, so that a server with a thread
/// per connection records thousands of them, a few events each.
const FIRST_CHUNK: usize = 16;
/// Each next chunk of a thread is twice as long as its last, up to this.
const LARGEST_CHUNK: usize = 1024;

/// Of [`MAX_EVENTS`], the slots not yet given to a thread's chunk.
static EVENTS_LEFT: AtomicUsize = AtomicUsize::new(MAX_EVENTS);
static NOT_RECORDED: AtomicU64 = AtomicU64::new(0);
static THREADS: Mutex<Vec<Arc<Buffer>>> = Mutex::new(Vec::new());
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the recording started, on one monotonic clock.
fn now() -> u64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[derive(Debug)]
struct Raw {
    kind: Kind,
    name: &'static str,
    start: u64,
    end: u64,
}

/// A thread's events: a chain of chunks, allocated as the thread needs
/// them. Its thread fills the slots in order, each once, and links a chunk
/// only when the one before is full; the reader at the end takes the slots
/// filled so far (a `OnceLock` publishes its value to other threads: no
/// lock, no `unsafe`).
struct Buffer {
    thread: String,
    first: OnceLock<Arc<Chunk>>,
}

/// Slots, each filled once, and the chunk after them.
struct Chunk {
    slots: Box<[OnceLock<Raw>]>,
    next: OnceLock<Arc<Chunk>>,
}

impl Buffer {
    fn events(&self) -> impl Iterator<Item = &Raw> {
        std::iter::successors(self.first.get(), |chunk| chunk.next.get())
            .flat_map(|chunk| chunk.slots.iter())
            .map_while(OnceLock::get)
    }

    /// A new chunk for this buffer, linked after `last` (or first): twice
    /// as long as `last`, up to [`LARGEST_CHUNK`], and no longer than what
    /// is left of [`MAX_EVENTS`]; `None` when nothing is.
    fn add_chunk(&self, last: Option<&Arc<Chunk>>) -> Option<Arc<Chunk>> {
        let wanted = last.map_or(FIRST_CHUNK, |last| {
            (last.slots.len() * 2).min(LARGEST_CHUNK)
        });
        let len = take_events(wanted)?;
        let chunk = Arc::new(Chunk {
            slots: (0..len).map(|_| OnceLock::new()).collect(),
            next: OnceLock::new(),
        });
        let link = last.map_or(&self.first, |last| &last.next);
        let _ = link.set(Arc::clone(&chunk));
        Some(chunk)
    }
}

/// This thread's buffer; the chunk being filled, and how many of its slots
/// are.
struct Local {
    buffer: Arc<Buffer>,
    current: Cell<Option<(Arc<Chunk>, usize)>>,
}

thread_local! {
    static LOCAL: Local = Local::register();
}

impl Local {
    /// Registers this thread's buffer: once per thread, the only lock taken.
    fn register() -> Local {
        let current = std::thread::current();
        let buffer = Arc::new(Buffer {
            thread: current.name().unwrap_or("unnamed").to_string(),
            first: OnceLock::new(),
        });
        lock_threads().push(Arc::clone(&buffer));
        Local {
            buffer,
            current: Cell::new(None),
        }
    }

    fn push(&self, raw: Raw) {
        let (chunk, filled) = match self.current.take() {
            Some((chunk, filled)) if filled < chunk.slots.len() => (chunk, filled),
            last => {
                let Some(chunk) = self.buffer.add_chunk(last.as_ref().map(|(chunk, _)| chunk))
                else {
                    self.current.set(last);
                    return not_recorded();
                };
                (chunk, 0)
            }
        };
        let _ = chunk.slots[filled].set(raw);
        self.current.set(Some((chunk, filled + 1)));
    }
}

impl Drop for Local {
    /// A thread that ends with nothing recorded (it came after the buffers
    /// were full) takes its empty buffer with it: a server that starts a
    /// thread per connection, for hours, stays within [`MAX_EVENTS`].
    fn drop(&mut self) {
        if self.buffer.first.get().is_none() {
            lock_threads().retain(|buffer| !Arc::ptr_eq(buffer, &self.buffer));
        }
    }
}

/// Takes `wanted` slots of [`MAX_EVENTS`] for one chunk, or what is left
/// when that is fewer; `None` when nothing is.
fn take_events(wanted: usize) -> Option<usize> {
    let left = EVENTS_LEFT
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            (left > 0).then(|| left - left.min(wanted))
        })
        .ok()?;
    Some(left.min(wanted))
}

fn not_recorded() {
    NOT_RECORDED.fetch_add(1, Ordering::Relaxed);
}

fn lock_threads() -> std::sync::MutexGuard<'static, Vec<Arc<Buffer>>> {
    THREADS.lock().unwrap_or_else(PoisonError::into_inner)
}

fn record(kind: Kind, name: &'static str, start: u64, end: u64) {
    if !RECORDING.load(Ordering::Relaxed) {
        return;
    }
    let raw = Raw {
        kind,
        name,
        start,
        end,
    };
    // A thread being torn down has no buffer any more: its last events go uncounted.
    if LOCAL.try_with(|local| local.push(raw)).is_err() {
        not_recorded();
    }
}

/// Starts recording (the clock's zero is now, or the first watched poll).
pub fn start_recording() {
    now();
    RECORDING.store(true, Ordering::Relaxed);
    WATCHING.store(true, Ordering::Relaxed);
}

/// Stops recording and returns what was recorded, threads in the order
/// they first ran something, numbered when several share a name.
pub fn stop_recording(label: &str) -> Recording {
    RECORDING.store(false, Ordering::Relaxed);
    let buffers = lock_threads().clone();
    let mut threads: Vec<Thread> = buffers
        .iter()
        .map(|buffer| Thread {
            name: buffer.thread.clone(),
            events: buffer
                .events()
                .map(|raw| Event {
                    kind: raw.kind,
                    name: raw.name.to_string(),
                    start: raw.start,
                    end: raw.end,
                })
                .collect(),
        })
        .filter(|thread| !thread.events.is_empty())
        .collect();
    // A thread records a poll when it ends: order them by what began first.
    threads.sort_by_key(|thread| thread.events.iter().map(|event| event.start).min());
    number_shared_names(&mut threads);
    Recording {
        label: label.to_string(),
        threads,
        not_recorded: NOT_RECORDED.load(Ordering::Relaxed),
    }
}

/// `tokio-rt-worker`, `tokio-rt-worker` becomes
/// `tokio-rt-worker 1`, `tokio-rt-worker 2`.
fn number_shared_names(threads: &mut [Thread]) {
    let names: Vec<String> = threads.iter().map(|thread| thread.name.clone()).collect();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for thread in threads.iter_mut() {
        if names.iter().filter(|name| **name == thread.name).count() < 2 {
            continue;
        }
        let count = match seen.iter_mut().find(|(name, _)| *name == thread.name) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                seen.push((thread.name.clone(), 1));
                1
            }
        };
        thread.name = format!("{} {count}", thread.name);
    }
}

// ---------------------------------------------------------------------------
// --timeline[=FILE]: where the picture goes, checked before the lab runs.

/// Where the picture goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Drawn on stderr after the run.
    Stderr,
    /// Written to a file, in the format its extension names.
    File(PathBuf, Format),
}

/// A file's format, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
    Txt,
}

/// The option's id in clap's matches.
const OPTION: &str = "timeline";

/// Adds `--timeline[=FILE]` to a lab's command (not to one with
/// subcommands, such as the launcher).
pub(crate) fn add_option(command: clap::Command) -> clap::Command {
    if command.has_subcommands() {
        return command;
    }
    command.arg(
        clap::Arg::new(OPTION)
            .long(OPTION)
            .value_name("FILE")
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("")
            .help(
                "After the run, draw which task ran on which thread, and when: on \
                 stderr, or in FILE (.txt, .html, or .json for Perfetto)",
            ),
    )
}

/// With `--timeline` in `matches`, checks where the picture goes (a bad
/// place ends the program with one line and exit status 2, before the lab
/// runs), starts recording, and draws the picture when the process exits.
pub(crate) fn start_if_asked(matches: &clap::ArgMatches) {
    let Ok(Some(value)) = matches.try_get_one::<String>(OPTION) else {
        return;
    };
    let destination = destination(value)
        .unwrap_or_else(|message| crate::cli::fail(crate::cli::USAGE_ERROR, message));
    let label = std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if FINISH.set((label, destination)).is_err() {
        return; // asked already: one recording, one picture
    }
    start_recording();
    // Exiting draws it, also on Ctrl-C where the program handles it (a
    // status line's handler restores the terminal, then exits). No handler
    // of its own is installed here: it would cut short a lab's own (a
    // server's grace period).
    crate::platform::at_exit(finish_at_exit);
}

/// Checks `--timeline=FILE`: a known extension, and a file that can be
/// written (tried now with an empty temporary file, removed at once).
pub fn destination(value: &str) -> Result<Destination, String> {
    if value.is_empty() {
        return Ok(Destination::Stderr);
    }
    let (path, format) = file(value).map_err(|message| format!("--timeline={message}"))?;
    Ok(Destination::File(path, format))
}

/// Checks a file to write a recording to: a known extension (its format),
/// and a place that can be written (tried now with an empty temporary file,
/// removed at once). An error starts with the file's name, quoted.
pub fn file(value: &str) -> Result<(PathBuf, Format), String> {
    let path = PathBuf::from(value);
    let shown = quoted(value);
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_lowercase());
    let format = match extension.as_deref() {
        Some("html") => Format::Html,
        Some("json") => Format::Json,
        Some("txt") => Format::Txt,
        _ => {
            return Err(format!(
                "{shown}: the file must end in .html, .json or .txt"
            ));
        }
    };
    if path.is_dir() || value.ends_with(std::path::is_separator) {
        return Err(format!("{shown}: that is a directory"));
    }
    let temporary = temporary_path(&path);
    std::fs::File::create_new(&temporary)
        .and_then(|_| std::fs::remove_file(&temporary))
        .map_err(|err| format!("{shown}: cannot write there ({err})"))?;
    Ok((path, format))
}

/// Next to `path`, so that renaming it to `path` is one atomic step.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let name = format!(".{}.{}.tmp", name.unwrap_or_default(), std::process::id());
    path.with_file_name(name)
}

/// `'text'`, escaped, and shortened to 40 characters: a value echoed back.
fn quoted(text: &str) -> String {
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > 40 {
        format!("'{}...'", escaped.chars().take(37).collect::<String>())
    } else {
        format!("'{escaped}'")
    }
}

static FINISH: OnceLock<(String, Destination)> = OnceLock::new();

extern "C" fn finish_at_exit() {
    if let Some((label, destination)) = FINISH.get() {
        let recording = stop_recording(label);
        if let Err(message) = deliver(&[recording], destination) {
            eprintln!("error: --timeline: {message}");
        }
    }
}

/// Draws `recordings` on stderr, or writes them to a file through a
/// temporary file renamed into place (no half-written file is ever left).
pub fn deliver(recordings: &[Recording], destination: &Destination) -> Result<(), String> {
    use std::io::Write;
    match destination {
        Destination::Stderr => {
            let style = Style::for_stderr();
            let text = picture(recordings, &style);
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
            Ok(())
        }
        Destination::File(path, format) => {
            let text = match format {
                Format::Html => html(recordings),
                Format::Json => chrome_json(recordings),
                Format::Txt => picture(recordings, &Style::plain(picture::DEFAULT_WIDTH)),
            };
            let temporary = temporary_path(path);
            std::fs::write(&temporary, text)
                .and_then(|()| std::fs::rename(&temporary, path))
                .map_err(|err| {
                    let _ = std::fs::remove_file(&temporary);
                    format!("cannot write {}: {err}", quoted(&path.to_string_lossy()))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_thread_names_are_numbered_in_order() {
        let thread = |name: &str| Thread {
            name: name.into(),
            events: vec![],
        };
        let mut threads = vec![thread("main"), thread("w"), thread("x"), thread("w")];
        number_shared_names(&mut threads);
        let names: Vec<&str> = threads.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["main", "w 1", "x", "w 2"]);
    }

    /// The only test in this process that records: the recorder is global.
    #[test]
    fn a_full_recording_keeps_what_fits_and_counts_the_rest() {
        start_recording();
        // A thread per connection: 2000 threads, a few events each, all kept.
        const SHORT: usize = 2000;
        for _ in 0..SHORT / 100 {
            std::thread::scope(|scope| {
                for _ in 0..100 {
                    std::thread::Builder::new()
                        .name("short".into())
                        .spawn_scoped(scope, || {
                            span("work", || event("tick"));
                            event("tock");
                        })
                        .unwrap();
                }
            });
        }
        // Then one thread records more than is left: the cap holds.
        let left = MAX_EVENTS - SHORT * FIRST_CHUNK;
        let tries = left + 12;
        std::thread::spawn(move || {
            let watched = watch("task", std::future::ready(()));
            let mut context = Context::from_waker(std::task::Waker::noop());
            assert!(std::pin::pin!(watched).poll(&mut context).is_ready());
            span("work", || ());
            for _ in 2..tries {
                event("tick");
            }
        })
        .join()
        .unwrap();
        // Threads that come after, one per connection for hours, leave nothing behind.
        let registered = lock_threads().len();
        for _ in 0..10 {
            std::thread::spawn(|| event("late")).join().unwrap();
        }
        assert_eq!(lock_threads().len(), registered);
        let recording = stop_recording("test");
        event("after the end");
        assert_eq!(recording.threads.len(), SHORT + 1);
        let mut shorts = recording.threads[..SHORT].iter();
        assert!(shorts.all(|thread| {
            thread.name.starts_with("short ")
                && thread
                    .events
                    .iter()
                    .map(|event| event.name.as_str())
                    .eq(["tick", "work", "tock"])
        }));
        let events = &recording.threads[SHORT].events;
        assert_eq!(events.len(), left);
        assert_eq!(
            (events[0].kind, events[0].name.as_str()),
            (Kind::Poll, "task")
        );
        assert_eq!(
            (events[1].kind, events[1].name.as_str()),
            (Kind::Span, "work")
        );
        assert!(events[0].start <= events[0].end && events[0].end <= events[1].start);
        assert_eq!(recording.not_recorded, 12 + 10);
        let text = picture(&[recording], &Style::plain(80));
        assert!(text.contains("22 events not recorded"), "{text}");
    }

    #[test]
    fn each_name_is_kept_once_and_a_full_table_leaves_names_out() {
        let table: [OnceLock<&'static str>; 3] = [const { OnceLock::new() }; 3];
        let spinner = names::intern(&table, "spinner");
        let other_spinner = String::from("spinner").leak();
        assert_eq!(names::intern(&table, other_spinner), spinner);
        let ids = ["a", "b", "c"].map(|name| names::intern(&table, name));
        assert_eq!(ids.map(|id| names::name(&table, id)), ["a", "b", UNNAMED]);
        assert_eq!(names::name(&table, spinner), "spinner");
        assert_eq!(names::name(&table, None), UNNAMED);
    }

    /// Watched under a name written in the source, a future is as long as
    /// it was; under a name known at run time, two bytes (and padding)
    /// longer, not a name longer.
    #[test]
    fn a_watched_future_is_as_long_or_two_bytes_longer() {
        fn size_of_val<T>(_: &T) -> usize {
            std::mem::size_of::<T>()
        }
        let ready = std::future::ready([0_u64; 3]);
        let size = size_of_val(&ready);
        assert_eq!(size_of_val(&crate::watch!("ready", ready)), size);
        let name: &'static str = String::from("known at run time").leak();
        let ready = std::future::ready([0_u64; 3]);
        assert_eq!(size_of_val(&crate::watch!(name, ready)), size + 8);
        assert_eq!(std::mem::size_of::<Watched<[u8; 6], Numbered>>(), 8);
    }

    #[test]
    fn bad_destinations_are_refused() {
        assert_eq!(destination(""), Ok(Destination::Stderr));
        for bad in ["x.png", "x", "/nonexistent/x.html", "x.html/"] {
            assert!(destination(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
