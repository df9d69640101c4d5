//! The `modelsite` binary: parse flags, run a command, print what happened
//! and turn the outcome into an exit code (0 ok, 1 site errors, 2 usage).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use modelsite::build::{BuildOptions, BuildReport, build};
use modelsite::cli::{Cli, Command, CommonArgs, ReportFormat};
use modelsite::error::{Errors, SiteError};
use modelsite::import::{Failure, ImportOptions};
use modelsite::links::external;
use modelsite::serve::ServeOptions;

/// mimalloc rather than the system allocator: a build makes and frees
/// millions of small values (JSON contexts, strings), and with glibc's
/// allocator freeing them took a fifth of the build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let result = match &cli.command {
        Command::Build => run_build(&cli.common, color),
        Command::Check { format } => run_check(&cli.common, *format, color),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "modelsite", &mut std::io::stdout());
            Ok(())
        }
        Command::Man { command } => print_man(command.as_deref()),
        Command::Serve {
            interface,
            port,
            watch,
            open,
        } => modelsite::serve::serve(ServeOptions {
            build: options(&cli.common, true),
            interface: *interface,
            port: *port,
            watch: *watch,
            open: *open,
            quiet: cli.common.quiet,
            verbose: cli.common.verbose,
        }),
        Command::Init { dir, force } => {
            let dir = dir.clone().unwrap_or_else(|| cli.common.root.clone());
            modelsite::init::init(&dir, *force)
                .map(|written| {
                    if !cli.common.quiet {
                        for f in &written {
                            println!("created {}", dir.join(f).display());
                        }
                        println!(
                            "\nA new site is ready. Build it with:\n  modelsite build --root {}",
                            dir.display()
                        );
                    }
                })
                .map_err(Errors::from)
        }
        Command::Import {
            cards,
            id,
            creator,
            category,
            force,
            update,
        } => run_import(
            &cli.common,
            ImportOptions {
                root: cli.common.root.clone(),
                overrides: cli.common.overrides(),
                cards: cards.clone(),
                id: id.clone(),
                creator: creator.clone(),
                category: category.clone(),
                force: *force,
                update: *update,
                progress: !cli.common.quiet && std::io::stderr().is_terminal(),
            },
            color,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            print_errors(&errors, color);
            ExitCode::from(1)
        }
    }
}

fn options(common: &CommonArgs, write_output: bool) -> BuildOptions {
    BuildOptions {
        root: common.root.clone(),
        overrides: common.overrides(),
        write_output,
        check_external: !common.offline,
        strict: common.strict,
        show_progress: !common.quiet && std::io::stderr().is_terminal(),
    }
}

fn print_warnings(warnings: &[SiteError], color: bool) {
    for w in warnings {
        eprint!("warning: {}", w.render(color));
    }
}

fn print_errors(errors: &Errors, color: bool) {
    if errors.is_empty() {
        return;
    }
    for e in &errors.0 {
        eprint!("{}", e.render(color));
    }
    let n = errors.0.len();
    eprintln!(
        "error: {n} problem{} found; the output folder was left as it was",
        if n == 1 { "" } else { "s" }
    );
}

fn run_build(common: &CommonArgs, color: bool) -> Result<(), Errors> {
    let report = build(&options(common, true))?;
    if !common.quiet {
        print_warnings(&report.warnings, color);
    }
    if let Some(links) = &report.link_report {
        let text = external::to_text(links);
        if !links.broken.is_empty() || links.unreachable.is_some() || !links.warnings.is_empty() {
            // Broken external links are warnings unless --strict.
            for line in text.lines() {
                if line.starts_with("broken link") {
                    eprintln!("warning: {line}");
                } else {
                    eprintln!("{line}");
                }
            }
        } else if common.verbose {
            eprint!("{text}");
        }
    }
    if common.verbose {
        print_timings(&report);
    }
    if !common.quiet {
        println!(
            "Built {} models and {} pages ({} files) into {} in {:.2?}",
            report.models,
            report.pages,
            report.files,
            report.output_dir.display(),
            report.elapsed
        );
    }
    Ok(())
}

fn run_import(common: &CommonArgs, options: ImportOptions, color: bool) -> Result<(), Errors> {
    let report = match modelsite::import::import(&options) {
        Ok(report) => report,
        Err(Failure::Usage(message)) => {
            // Reported like clap's own usage errors, with the command's usage.
            let mut cli = Cli::command();
            cli.build();
            let kind = clap::error::ErrorKind::ArgumentConflict;
            match cli.find_subcommand_mut("import") {
                Some(import) => import.error(kind, message).exit(),
                None => cli.error(kind, message).exit(),
            }
        }
        Err(Failure::Site(errors)) => {
            for e in &errors.0 {
                eprint!("{}", e.render(color));
            }
            return Err(Errors::default());
        }
    };
    if !common.quiet {
        print!("{}", report.details(common.verbose));
    }
    for e in &report.errors.0 {
        eprint!("{}", e.render(color));
    }
    if !common.quiet {
        print!("{}", report.summary(common.verbose));
    }
    if report.errors.is_empty() {
        Ok(())
    } else {
        let failed = report.failed();
        if failed > 0 {
            eprintln!(
                "error: {failed} of {} card{} not imported",
                report.cards,
                if report.cards == 1 { " was" } else { "s were" }
            );
        } else {
            let n = report.errors.0.len();
            eprintln!("error: {n} problem{} found", if n == 1 { "" } else { "s" });
        }
        Err(Errors::default())
    }
}

fn print_timings(report: &BuildReport) {
    for (stage, took) in &report.timings {
        eprintln!("  {stage:<24} {took:>10.2?}");
    }
}

fn run_check(common: &CommonArgs, format: ReportFormat, color: bool) -> Result<(), Errors> {
    let result = build(&options(common, false));
    if let (true, Ok(report)) = (common.verbose, &result) {
        print_timings(report);
    }
    let (errors, warnings, links) = match &result {
        Ok(report) => (&[][..], &report.warnings[..], report.link_report.as_ref()),
        Err(errors) => (&errors.0[..], &[][..], None),
    };
    let broken = links.is_some_and(|l| !l.broken.is_empty());
    let failed = !errors.is_empty() || broken;
    match format {
        ReportFormat::Text => {
            print_warnings(warnings, color);
            if let Some(links) = links {
                eprint!("{}", external::to_text(links));
            }
            match &result {
                Ok(report) if !broken => {
                    if !common.quiet {
                        println!(
                            "Checked {} models and {} pages: no problems found",
                            report.models, report.pages
                        );
                    }
                    Ok(())
                }
                Ok(report) => {
                    let n = report.link_report.as_ref().map_or(0, |l| l.broken.len());
                    eprintln!(
                        "error: {n} broken external link{}",
                        if n == 1 { "" } else { "s" }
                    );
                    Err(Errors::default())
                }
                Err(_) => result.map(|_| ()),
            }
        }
        ReportFormat::Json => {
            let item = |e: &SiteError, level: &str| {
                serde_json::json!({
                    "level": level,
                    "message": e.message,
                    "file": e.location.as_ref().map(|l| l.file.to_string_lossy().into_owned()),
                    "line": e.location.as_ref().map(|l| l.line),
                    "column": e.location.as_ref().map(|l| l.column),
                    "hint": e.hint,
                })
            };
            let items: Vec<_> = errors
                .iter()
                .map(|e| item(e, "error"))
                .chain(warnings.iter().map(|w| item(w, "warning")))
                .collect();
            let report = serde_json::json!({
                "ok": !failed,
                "problems": items,
                "external_links": links,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            if failed {
                Err(Errors::default())
            } else {
                Ok(())
            }
        }
        ReportFormat::Markdown => {
            println!("## modelsite check\n");
            if errors.is_empty() && warnings.is_empty() {
                println!("The site builds without problems.\n");
            } else {
                println!("| level | where | problem | hint |\n|---|---|---|---|");
                let row = |e: &SiteError, level: &str| {
                    let at = e
                        .location
                        .as_ref()
                        .map(|l| l.to_string())
                        .unwrap_or_default();
                    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
                    println!(
                        "| {level} | `{}` | {} | {} |",
                        at,
                        cell(&e.message),
                        cell(e.hint.as_deref().unwrap_or(""))
                    );
                };
                errors.iter().for_each(|e| row(e, "error"));
                warnings.iter().for_each(|w| row(w, "warning"));
                println!();
            }
            if let Some(links) = links {
                println!("{}", external::to_markdown(links));
            }
            if failed {
                Err(Errors::default())
            } else {
                Ok(())
            }
        }
    }
}

/// Prints the manual page of `modelsite`, or of its command `name`.
fn print_man(name: Option<&str>) -> Result<(), Errors> {
    let mut command = Cli::command();
    command.build();
    let page = match name {
        None => command,
        Some(name) => {
            let names: Vec<String> = command
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            match command.find_subcommand(name) {
                Some(sub) => sub.clone().name(format!("modelsite-{name}")),
                None => {
                    let hint =
                        modelsite::error::did_you_mean(name, names.iter().map(String::as_str))
                            .unwrap_or_else(|| format!("the commands are {}", names.join(", ")));
                    return Err(SiteError::new(format!("there is no command `{name}`"))
                        .hint(hint)
                        .into());
                }
            }
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| SiteError::new(format!("could not write the manual page: {e}")))?;
    use std::io::Write;
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| SiteError::new(format!("could not write the manual page: {e}")).into())
}
