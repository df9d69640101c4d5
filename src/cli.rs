//! Command-line flags, and nothing else: what each command accepts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Overrides;

#[derive(Debug, Parser)]
#[command(
    name = "modelsite",
    version,
    about = "A static site generator for documentation about AI models",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags every command accepts, before or after the command name.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// The site folder (holds modelsite.toml)
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Use this configuration file instead of <root>/modelsite.toml
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the site here instead of the configured output folder
    #[arg(short = 'o', long, global = true, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Publish for this address instead of the configured base_url
    #[arg(short = 'u', long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include models and pages marked `draft: true`
    #[arg(long, global = true)]
    pub drafts: bool,
    /// Do not use the network (external links are not checked)
    #[arg(long, global = true)]
    pub offline: bool,
    /// Treat broken external links as errors
    #[arg(long, global = true)]
    pub strict: bool,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is done
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

impl CommonArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            output_dir: self.output_dir.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default public/)
    Build,
    /// Build, serve on http://127.0.0.1:1111 and, with --watch, rebuild on
    /// every change and reload the browser
    Serve {
        /// Address to listen on
        #[arg(short, long, default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Port to listen on (the next free one if it is taken)
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Rebuild when a source changes and reload connected browsers
        #[arg(short, long)]
        watch: bool,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
    },
    /// Validate everything and check every link; writes nothing
    Check {
        /// How to print the report
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Print a shell's completion script (bash, zsh, fish, elvish,
    /// powershell)
    #[command(
        after_help = "bash: modelsite completions bash > ~/.local/share/bash-completion/completions/modelsite\n\
zsh: modelsite completions zsh > \"${fpath[1]}/_modelsite\"\n\
fish: modelsite completions fish > ~/.config/fish/completions/modelsite.fish"
    )]
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
    /// Print the manual page of modelsite, or of one of its commands
    #[command(after_help = "Read it with: modelsite man | man -l -")]
    Man {
        /// The command whose page to print (build, serve, ...)
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
    /// Create a new site that builds at once
    Init {
        /// Folder to create the site in (default: the current folder)
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write into a folder that already has files
        #[arg(long)]
        force: bool,
    },
    /// Turn Hugging Face model cards (README.md with YAML front matter) into
    /// data/models/<id>.yaml and site/models/<id>.md
    #[command(
        after_help = "The id is --id, else the card's model-index name, else the name of the card's folder \
(its file name when the card is not a README.md). What has no field in the schema is kept under `extra`; \
what the card lacks (creator, category) comes from the flags or is guessed, and the import says so. \
Creators, categories, libraries and sources the site does not have yet are added to its data files as stubs. \
A folder of cards is a Hugging Face cache (models--<org>--<name>/snapshots/<rev>/README.md) or a tree of \
<org>/<name>/README.md; the path gives each card's repository and id. A card imported before is skipped when \
it is unchanged; a changed one is updated with --update or replaced with --force."
    )]
    Import {
        /// Model cards to import (a README.md, or the folder holding it), or folders of cards (a Hugging Face
        /// cache, or <org>/<name>/README.md); `-` reads one from standard input
        #[arg(value_name = "CARD.md|DIR", required = true)]
        cards: Vec<PathBuf>,
        /// The model's id (with a single card)
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// The creator of the models (a key of data/creators.yaml, or a new id)
        #[arg(long, value_name = "ID")]
        creator: Option<String>,
        /// The category of the models (a key of data/categories.yaml, or a new id)
        #[arg(long, value_name = "ID")]
        category: Option<String>,
        /// Replace models the site already has, whole
        #[arg(long)]
        force: bool,
        /// Bring the changes of cards imported before into their models, keeping what you wrote for
        /// fields the card does not set
        #[arg(long, conflicts_with = "force")]
        update: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
}
