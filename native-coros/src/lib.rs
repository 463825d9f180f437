//! Plumbing shared by the variants of this lab.
