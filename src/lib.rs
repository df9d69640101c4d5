//! modelsite: a static site generator for documentation about AI models.
//!
//! The pipeline runs one way: [`config`] -> [`source`] -> [`catalog`] ->
//! [`render`] (with [`markdown`]) -> [`output`] -> [`links`]. [`build`]
//! wires the stages together; [`serve`] runs it again on every change;
//! [`import`] turns Hugging Face model cards into data files; the binary
//! only parses flags and calls them.

pub mod build;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod error;
pub mod import;
pub mod init;
pub mod links;
pub mod markdown;
pub mod output;
pub mod rebuild;
pub mod render;
pub mod serve;
pub mod source;
