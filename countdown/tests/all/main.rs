//! Every test of the countdown lab, in one test binary: the test runner runs
//! the tests of one binary side by side, so the files' waits overlap (the
//! long ones start first, their names sorting first), and the workspace
//! links one test binary per lab instead of one per file.

mod output;
mod plates;
mod sources;
mod timeline;
