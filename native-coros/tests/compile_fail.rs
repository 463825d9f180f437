//! A future that is never awaited: the compiler's warning, pinned as an
//! error with `#![deny(unused_must_use)]` (see tests/ui/*.stderr).

#[test]
fn an_unused_future_is_reported() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
