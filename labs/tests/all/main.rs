//! Every test of the launcher and the labs' shared helpers, in one test binary: the test runner runs the
//! tests of one binary side by side, so the files' waits overlap, and the
//! workspace links one test binary per lab instead of one per file.

mod support;

mod catalog;
mod launcher;
mod menu;
mod sheets;
mod slow_poll_warning;
mod timeline;
mod timeline_page;
