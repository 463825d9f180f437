//! Every test of the spinner lab, in one test binary: the test runner runs the
//! tests of one binary side by side, so the files' waits overlap, and the
//! workspace links one test binary per lab instead of one per file.

mod support;

mod endings;
mod piped;
mod sources;
mod terminal;
mod timeline;
