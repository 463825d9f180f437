//! `cargo run` on a terminal: a menu of the labs, then of a lab's variants,
//! with keys to run, show, draw the timeline, diff, compare and read the
//! lab sheet.
//!
//! The menu draws on the terminal's alternate screen in raw mode, and puts
//! the terminal back on every way out: `q`, Ctrl-C (a key in raw mode),
//! `kill` (SIGINT, SIGTERM, SIGHUP, SIGQUIT), the terminal closed, and a
//! panic. A command chosen in the menu runs as a child process (`labs run
//! ...`, `labs show ...`) on the normal screen, then a key brings the menu
//! back; a request to stop while it runs ends it first.

use std::io::{self, Write};
use std::process::{Command, ExitStatus, exit};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::style::{Print, Stylize};
use crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{execute, queue};
use labs::catalog::{Catalog, Lab};
use labs::platform::Sender;

use super::list::{marks, title};
use super::shown;
use super::stop::{self, INTERRUPTED, Request};

/// What the menu has done to the terminal, for [`restore`] to undo, once:
/// raw mode (no line editing, no echo, Ctrl-C is a key), and the alternate
/// screen with the cursor hidden.
static RAW: AtomicBool = AtomicBool::new(false);
static ALTERNATE: AtomicBool = AtomicBool::new(false);

/// Raw mode, so that keys arrive one by one.
fn raw_mode() {
    if !RAW.swap(true, Ordering::SeqCst) {
        let _ = terminal::enable_raw_mode();
    }
}

/// Raw mode, the alternate screen, the cursor hidden.
fn take_terminal() {
    raw_mode();
    if !ALTERNATE.swap(true, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), EnterAlternateScreen, Hide);
    }
}

/// The terminal as it was before the menu: the normal screen, the cursor
/// shown, line editing and Ctrl-C back. Does nothing when already restored.
fn restore() {
    if ALTERNATE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
    }
    if RAW.swap(false, Ordering::SeqCst) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Restores the terminal when dropped, so an early return or a panic's
/// unwinding cannot leave it in raw mode.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Which list the menu shows.
#[derive(Clone, Copy, PartialEq)]
enum Screen {
    Labs,
    Variants,
    /// Choosing the second variant of a diff; the first is `from`.
    DiffWith {
        from: usize,
    },
}

struct Menu<'a> {
    catalog: &'a Catalog,
    screen: Screen,
    lab: usize,
    variant: usize,
    help: bool,
}

/// What a key asks for.
enum Action {
    Redraw,
    Quit(i32),
    /// Run `labs ARGS...` on the normal screen, then come back.
    Child(Vec<String>),
    /// Print a lab sheet on the normal screen, then come back.
    Sheet(usize),
}

pub fn run(catalog: &Catalog) -> ! {
    if catalog.labs.is_empty() {
        exit(0);
    }
    // The panic message must reach the normal screen: restore first.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        report(info);
    }));
    stop::listen(restore);
    stop::listen_for_hang_up();
    let mut menu = Menu {
        catalog,
        screen: Screen::Labs,
        lab: 0,
        variant: 0,
        help: false,
    };
    let guard = Guard;
    take_terminal();
    menu.draw();
    loop {
        if let Some(request) = stop::requested() {
            drop(guard);
            exit(request.status);
        }
        // An error reading the keyboard means the terminal is gone (its
        // window closed): there is nobody left to show a menu to. (When
        // crossterm reads end-of-file or errors without returning, the
        // terminal's hang-up, see `stop::listen`, ends the menu.)
        let terminal_gone = || -> ! {
            restore();
            exit(labs::platform::CLOSED_TERMINAL)
        };
        match event::poll(Duration::from_millis(100)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => terminal_gone(),
        }
        let action = match event::read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => menu.key(key),
            Ok(Event::Resize(..)) => Action::Redraw,
            Ok(_) => continue,
            Err(_) => terminal_gone(),
        };
        match action {
            Action::Redraw => {}
            Action::Quit(code) => {
                drop(guard);
                exit(code);
            }
            Action::Child(args) => {
                restore();
                let status = child(&args);
                pause(&describe(&args, status));
            }
            Action::Sheet(lab) => {
                restore();
                let path = catalog.labs[lab].sheet();
                match std::fs::read_to_string(&path) {
                    Ok(text) => print!("{text}"),
                    Err(err) => println!("cannot read {}: {err}", shown(&path)),
                }
                pause(&format!("That was {}.", shown(&path)));
            }
        }
        if let Some(request) = stop::requested() {
            drop(guard);
            exit(request.status);
        }
        take_terminal();
        menu.draw();
    }
}

/// Runs this program again with `args` on the normal screen and waits for
/// it. Ctrl-C typed reaches the child too, and is the child's: the menu
/// stays. Any other request to stop (`kill -INT`, SIGTERM, a closed
/// terminal) ends the child, then the menu; the menu killed (`kill -9`)
/// cannot, so the child is asked to stop by the system where it can be
/// (`end_with_this_process`). (The child is `labs run`, which becomes
/// `cargo run`, which becomes the lab on Unix: a signal for the child
/// reaches the lab.)
fn child(args: &[String]) -> Option<ExitStatus> {
    let exe = std::env::current_exe().ok()?;
    let mut command = Command::new(exe);
    command.args(args);
    labs::platform::end_with_this_process(&mut command);
    let mut child = command.spawn().ok()?;
    loop {
        match stop::requested() {
            Some(Request {
                status: INTERRUPTED,
                sender: Sender::Terminal,
            }) => stop::ignore(),
            Some(request) => stop::end_with(&mut child, request),
            None => {}
        }
        match child.try_wait() {
            Ok(Some(status)) => {
                if status.code() == Some(INTERRUPTED) {
                    forget_ctrl_c();
                }
                return Some(status);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return None,
        }
    }
}

/// The child ended on Ctrl-C, which the menu received too: make sure its
/// handler has not noted it just now (the two learn of it at the same time).
fn forget_ctrl_c() {
    for _ in 0..10 {
        if stop::requested().is_some_and(|request| request.status == INTERRUPTED) {
            stop::ignore();
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How a command chosen in the menu ended, in words.
fn describe(args: &[String], status: Option<ExitStatus>) -> String {
    let command = format!("labs {}", args.join(" "));
    match status.map(|status| status.code()) {
        None => format!("{command} could not start."),
        Some(Some(0)) => format!("{command} ended."),
        Some(Some(code)) => format!("{command} ended with status {code}."),
        Some(None) => format!("{command} was stopped by a signal."),
    }
}

/// A line under the output, then one key (in raw mode, so any key does).
fn pause(message: &str) {
    println!();
    println!(
        "{}",
        format!("{message} Press any key to go back to the menu.").reverse()
    );
    let _ = io::stdout().flush();
    raw_mode();
    while stop::requested().is_none() {
        match event::poll(Duration::from_millis(100)) {
            Ok(true) => match event::read() {
                Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => break,
                Ok(_) => {}
                // The terminal is gone: the menu's loop says so.
                Err(_) => break,
            },
            Ok(false) => {}
            Err(_) => break,
        }
    }
}

impl Menu<'_> {
    fn lab(&self) -> &Lab {
        &self.catalog.labs[self.lab]
    }

    /// How many rows the current list has.
    fn rows(&self) -> usize {
        match self.screen {
            Screen::Labs => self.catalog.labs.len(),
            Screen::Variants => self.lab().entries().count(),
            Screen::DiffWith { .. } => self.lab().variants.len(),
        }
    }

    fn selected(&mut self) -> &mut usize {
        match self.screen {
            Screen::Labs => &mut self.lab,
            _ => &mut self.variant,
        }
    }

    fn key(&mut self, key: KeyEvent) -> Action {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Action::Quit(INTERRUPTED);
        }
        if self.help {
            self.help = false;
            return Action::Redraw;
        }
        let rows = self.rows();
        let lab = self.lab().name.clone();
        let entry = |menu: &Self, index: usize| {
            menu.lab()
                .entries()
                .nth(index)
                .map_or_else(String::new, |entry| entry.name.clone())
        };
        let variant = entry(self, self.variant);
        let is_variant = self.variant < self.lab().variants.len();
        match (self.screen, key.code) {
            (_, KeyCode::Char('q')) => return Action::Quit(0),
            (_, KeyCode::Char('?')) => self.help = true,
            (_, KeyCode::Up | KeyCode::Char('k')) => {
                let selected = self.selected();
                *selected = (*selected + rows - 1) % rows.max(1);
            }
            (_, KeyCode::Down | KeyCode::Char('j')) => {
                let selected = self.selected();
                *selected = (*selected + 1) % rows.max(1);
            }
            (_, KeyCode::Char('l')) => return Action::Sheet(self.lab),
            (Screen::DiffWith { .. }, KeyCode::Esc | KeyCode::Left | KeyCode::Backspace) => {
                self.screen = Screen::Variants;
            }
            (Screen::DiffWith { from }, KeyCode::Enter | KeyCode::Right) => {
                self.screen = Screen::Variants;
                let from_name = entry(self, from);
                self.variant = from;
                return Action::Child(vec!["diff".into(), lab, from_name, variant]);
            }
            (_, KeyCode::Char('c')) => return Action::Child(vec!["compare".into(), lab]),
            (Screen::Labs, KeyCode::Enter | KeyCode::Right) => {
                self.screen = Screen::Variants;
                self.variant = 0;
            }
            (Screen::Variants, KeyCode::Esc | KeyCode::Left | KeyCode::Backspace) => {
                self.screen = Screen::Labs;
            }
            (Screen::Variants, KeyCode::Enter | KeyCode::Right | KeyCode::Char('r')) => {
                return Action::Child(vec!["run".into(), lab, variant]);
            }
            (Screen::Variants, KeyCode::Char('s')) => {
                return Action::Child(vec!["show".into(), lab, variant]);
            }
            (Screen::Variants, KeyCode::Char('t')) if is_variant => {
                let mut args = vec!["timeline".to_string(), lab];
                args.extend(timeline_variants(self.lab(), &variant));
                return Action::Child(args);
            }
            (Screen::Variants, KeyCode::Char('d')) if is_variant => {
                self.screen = Screen::DiffWith { from: self.variant };
                self.variant = (self.variant + 1) % self.lab().variants.len();
            }
            _ => {}
        }
        Action::Redraw
    }

    /// The whole screen, drawn anew: a title, the list, the keys.
    fn draw(&self) {
        let (width, height) = terminal::size().unwrap_or((80, 24));
        let mut lines: Vec<String> = Vec::new();
        let keys;
        if self.help {
            lines.push("Keys".bold().to_string());
            lines.push(String::new());
            for (key, what) in HELP {
                lines.push(format!("  {key:<14} {what}"));
            }
            keys = "Press any key to go back.";
        } else {
            match self.screen {
                Screen::Labs => {
                    lines.push("Concurrency labs".bold().to_string());
                    lines.push(String::new());
                    let titles: Vec<String> = self.catalog.labs.iter().map(title).collect();
                    let wide = titles.iter().map(|t| t.chars().count()).max().unwrap_or(0);
                    for (i, (lab, title)) in self.catalog.labs.iter().zip(&titles).enumerate() {
                        let row = format!("{title:<wide$}  {}", lab.about);
                        lines.push(row_text(&row, i == self.lab, width));
                    }
                    keys = "↑↓ choose  Enter open  c compare  l lab sheet  ? keys  q quit";
                }
                Screen::Variants | Screen::DiffWith { .. } => {
                    let lab = self.lab();
                    lines.push(format!("{}  {}", title(lab).bold(), lab.about));
                    lines.push(String::new());
                    let entries: Vec<_> = match self.screen {
                        Screen::Variants => lab.entries().collect(),
                        _ => lab.variants.iter().collect(),
                    };
                    let wide = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
                    for (i, entry) in entries.iter().enumerate() {
                        let mut mark = marks(entry);
                        if lab.is_tool(&entry.name) {
                            mark = "(tool)".to_string();
                        }
                        if matches!(self.screen, Screen::DiffWith { from } if from == i) {
                            mark = "(diff from this one)".to_string();
                        }
                        let row = format!("{:<wide$}  {} {mark}", entry.name, entry.about);
                        lines.push(row_text(row.trim_end(), i == self.variant, width));
                    }
                    keys = match self.screen {
                        Screen::Variants => {
                            "Enter run  s show  t timeline  d diff  c compare  l lab sheet  ← back  ? keys  q quit"
                        }
                        _ => "Diff against which variant?  ↑↓ choose  Enter diff  ← cancel",
                    };
                }
            }
        }
        let mut out = io::stdout().lock();
        let _ = queue!(out, MoveTo(0, 0), Clear(ClearType::All));
        // The title and the blank line under it stay; a list longer than
        // the screen scrolls so that the selected row is on it.
        let room = usize::from(height.saturating_sub(2));
        let list_room = room.saturating_sub(2).max(1);
        let selected = match self.screen {
            _ if self.help => 0,
            Screen::Labs => self.lab,
            _ => self.variant,
        };
        let skip = (selected + 1).saturating_sub(list_room);
        let shown = lines.iter().take(2).chain(lines.iter().skip(2 + skip));
        for (row, line) in shown.take(room).enumerate() {
            let _ = queue!(out, MoveTo(0, row as u16), Print(line));
        }
        let keys = cut(keys, usize::from(width));
        let _ = queue!(
            out,
            MoveTo(0, height.saturating_sub(1)),
            Print(keys.reverse())
        );
        let _ = out.flush();
    }
}

/// The keys, for `?`.
const HELP: [(&str, &str); 12] = [
    ("↑ ↓  k j", "choose a lab or a variant"),
    ("Enter  →", "open the lab; run the variant"),
    ("r", "run the variant (Ctrl-C stops it)"),
    ("s", "show its source, the callouts explained"),
    ("t", "its timeline, with its blocking experiment or cure"),
    ("d", "diff it against another variant"),
    ("c", "compare: run every variant of the lab"),
    ("l", "read the lab sheet"),
    ("←  Esc", "back to the labs"),
    ("?", "these keys"),
    ("q", "quit"),
    ("Ctrl-C", "quit"),
];

/// The variants `t` draws, one under the other: an experiment under its
/// cure (`tokio` above `tokio-blocking`, `tokio-current-thread-blocking`),
/// a variant above its experiment, or the variant alone.
fn timeline_variants(lab: &Lab, variant: &str) -> Vec<String> {
    let is_variant = |name: &str| lab.variant(name).is_some();
    let pair = |cure: &str, experiment: &str| vec![cure.to_string(), experiment.to_string()];
    if let Some(base) = variant.strip_suffix("-blocking") {
        // The cure is the longest variant name the experiment's starts with.
        let mut cure = base;
        loop {
            if is_variant(cure) {
                return pair(cure, variant);
            }
            match cure.rsplit_once('-') {
                Some((shorter, _)) => cure = shorter,
                None => return vec![variant.to_string()],
            }
        }
    }
    let experiment = format!("{variant}-blocking");
    if is_variant(&experiment) {
        return pair(variant, &experiment);
    }
    vec![variant.to_string()]
}

/// One row of a list: `> ` and reversed when selected, cut to the width.
fn row_text(text: &str, selected: bool, width: u16) -> String {
    let text = cut(
        &format!("{} {text}", if selected { ">" } else { " " }),
        usize::from(width),
    );
    if selected {
        text.reverse().to_string()
    } else {
        text
    }
}

/// `text` cut to `width` characters, so that no row wraps.
fn cut(text: &str, width: usize) -> String {
    text.chars().take(width).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_draws_an_experiment_under_its_cure() {
        let catalog = Catalog::load();
        let spinner = catalog.lab("spinner").unwrap();
        for (variant, drawn) in [
            ("tokio", &["tokio", "tokio-blocking"][..]),
            ("tokio-blocking", &["tokio", "tokio-blocking"]),
            (
                "tokio-current-thread-blocking",
                &["tokio", "tokio-current-thread-blocking"],
            ),
            ("async-std-blocking", &["async-std", "async-std-blocking"]),
            ("thread", &["thread"]),
        ] {
            assert_eq!(timeline_variants(spinner, variant), drawn, "{variant}");
        }
    }
}
