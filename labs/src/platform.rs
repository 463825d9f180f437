//! Everything that differs between Linux, macOS and Windows lives here, each
//! piece behind `cfg` with a counterpart for every platform, so that the labs
//! themselves are the same on every laptop.
