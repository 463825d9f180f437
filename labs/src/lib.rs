//! The few helpers that several labs share. The lessons themselves live in
//! each lab's variant files; this crate only holds plumbing.

pub mod catalog;
pub mod cli;
pub mod platform;
#[cfg(feature = "slides")]
pub mod slides;
pub mod term;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use cli::parse_args;
pub use term::StatusLine;
