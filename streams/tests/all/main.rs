//! Every test of the streams lab, in one test binary: the test runner runs the
//! tests of one binary side by side, so the files' waits overlap, and the
//! workspace links one test binary per lab instead of one per file.

mod support;

mod bad_servers;
mod endings;
mod runs;
mod sources;
mod timeline;
