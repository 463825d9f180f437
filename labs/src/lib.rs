//! The few helpers that several labs share. The lessons themselves live in
//! each lab's variant files; this crate only holds plumbing.
//!
//! `slides` and `testkit` serve the labs' tests. They are compiled always,
//! not behind features: a feature that only the tests turn on would build
//! `labs`, and so every lab binary, twice (once for `cargo test`, once for
//! `cargo run`).

pub mod backoff;
pub mod bench;
pub mod catalog;
pub mod cli;
pub mod platform;
pub mod slides;
pub mod term;
pub mod testkit;
pub mod timeline;

pub use cli::parse_args;
pub use term::StatusLine;
pub use timeline::watch;
