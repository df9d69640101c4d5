//! Link checking. `internal` checks every link into the site on every
//! build, over the generated HTML.

pub mod internal;
