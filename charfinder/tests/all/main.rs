//! Every test of the charfinder lab, in one test binary: the test runner runs the
//! tests of one binary side by side, so the files' waits overlap, and the
//! workspace links one test binary per lab instead of one per file.

mod support;

mod backoff;
mod sources;
mod tcp;
mod timeline;
mod web;
