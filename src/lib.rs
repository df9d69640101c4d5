//! modelsite: a static site generator for documentation about AI models.
//!
//! The pipeline runs one way: [`config`] -> [`source`] -> [`catalog`] ->
//! [`render`] (with [`markdown`]) -> [`output`] (and [`search`], the
//! index the browser searches, built beside the pages) -> [`links`].
//! [`build`] wires the stages together; [`rebuild`] keeps a site in memory
//! and brings its output up to date after each change, which [`serve`]
//! uses; [`import`] turns Hugging Face model cards into data files; the
//! binary only parses flags and calls them.

pub mod build;
pub mod catalog;
pub mod cli;
pub mod columns;
pub mod config;
pub mod error;
pub mod highlight;
pub mod import;
pub mod init;
pub mod links;
pub mod markdown;
pub mod output;
pub mod rebuild;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod source;
