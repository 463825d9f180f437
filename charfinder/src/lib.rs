//! What the charfinder servers share and what is not the lesson: the index
//! of Unicode names (the crate `charfinder-index`, in `index/`), the line
//! protocol's replies, the command line, Ctrl-C, and the connection log. The lesson, how each runtime serves many
//! connections at once, is in the variant files `src/bin/charfinder-*.rs`.

mod server;
mod web;

pub use charfinder_index::*;
pub use server::*;
pub use web::*;
