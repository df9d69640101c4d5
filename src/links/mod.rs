//! Link checking. `internal` checks every link into the site on every
//! build, over the generated HTML; `external` checks links to other sites
//! with lychee-lib, remembering passes in `cache`.

pub mod cache;
pub mod external;
pub mod internal;
