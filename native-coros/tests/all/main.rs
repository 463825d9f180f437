//! Every test of the native-coros lab, in one test binary: the test runner runs the
//! tests of one binary side by side, so the files' waits overlap, and the
//! workspace links one test binary per lab instead of one per file.

mod support;

mod command_line;
mod demos;
mod launchpad;
mod must_use;
mod sources;
mod timeline;
