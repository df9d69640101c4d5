//! `modelsite serve`: build with `base_url` rewritten to the local address
//! (keeping its sub-path), serve the output folder, and with `--watch`
//! rebuild on every change and tell connected browsers.
//!
//! A failing rebuild is printed and shown in the browser; the last good
//! site keeps being served, because a failed build never replaces the
//! output folder.

pub mod reload;
pub mod server;
pub mod watch;

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::mpsc;

use crate::build::BuildOptions;
use crate::config::Config;
use crate::error::{Errors, SiteError};
use crate::rebuild::Session;
use reload::Hub;
use server::{ServerState, router, serve_connections};
use watch::Watch;

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub interface: IpAddr,
    pub port: u16,
    pub watch: bool,
    pub open: bool,
    pub quiet: bool,
    /// Print how long each stage of every rebuild took.
    pub verbose: bool,
}

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 50;

/// Serves the site until interrupted.
pub fn serve(options: ServeOptions) -> Result<(), Errors> {
    let config = Config::load(&options.build.root, &options.build.overrides)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| SiteError::new(format!("cannot start the server: {e}")))?;
    runtime.block_on(run(options, config))
}

async fn bind(interface: IpAddr, port: u16) -> Result<tokio::net::TcpListener, SiteError> {
    let mut last_error = None;
    for p in port..=port.saturating_add(PORT_TRIES) {
        match tokio::net::TcpListener::bind(SocketAddr::new(interface, p)).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(e),
        }
        if port == 0 {
            break;
        }
    }
    Err(SiteError::new(format!(
        "cannot listen on {interface}:{port} or the {PORT_TRIES} ports after it: {}",
        last_error.map(|e| e.to_string()).unwrap_or_default()
    ))
    .hint("choose another port with --port"))
}

async fn run(options: ServeOptions, config: Config) -> Result<(), Errors> {
    let listener = bind(options.interface, options.port).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| SiteError::new(format!("cannot read the server's address: {e}")))?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if addr.ip().is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let site_url = format!("http://{host}:{}{}", addr.port(), config.base_path);

    let mut build_options = options.build.clone();
    build_options.overrides.base_url = Some(site_url.clone());
    build_options.write_output = true;
    build_options.check_external = false;

    let hub = Hub::new();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (session, first) = {
        let opts = build_options.clone();
        tokio::task::spawn_blocking(move || -> Result<_, Errors> {
            let mut session = Session::new(&opts)?;
            let first = session.build_all();
            Ok((session, first))
        })
        .await
        .map_err(|e| SiteError::new(format!("the build stopped: {e}")))??
    };
    match first {
        Ok(report) => {
            if !options.quiet {
                eprintln!(
                    "Built {} models and {} pages in {:.2?}",
                    report.models, report.pages, report.elapsed
                );
            }
            hub.built(false);
        }
        Err(errors) => {
            print_errors(&errors, color);
            hub.failed(plain_text(&errors));
        }
    }

    std::fs::create_dir_all(&config.output_dir)
        .map_err(|e| SiteError::io("create", &config.output_dir, &e))?;
    let root = config
        .output_dir
        .canonicalize()
        .map_err(|e| SiteError::io("open", &config.output_dir, &e))?;
    let state = ServerState {
        root,
        base_path: config.base_path.clone(),
        hub: hub.clone(),
        live_reload: options.watch,
    };

    if options.watch {
        let watch = Watch::start(
            &options.build.root,
            &config.output_dir,
            &options.build.root.join(&config.file),
        )?;
        let hub = hub.clone();
        let quiet = options.quiet;
        let verbose = options.verbose;
        let root = options
            .build
            .root
            .canonicalize()
            .unwrap_or_else(|_| options.build.root.clone());
        std::thread::spawn(move || rebuild_loop(watch, session, hub, root, quiet, verbose, color));
    }

    println!("Serving the site at {site_url}");
    if options.watch {
        println!("Watching for changes; press Ctrl+C to stop");
    }
    if options.open {
        open_browser(&site_url);
    }
    // Ctrl+C stops at once: open event streams never end by themselves,
    // so waiting for every connection to close would wait for ever.
    tokio::select! {
        () = serve_connections(listener, router(state)) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

/// Rebuilds after each batch of changes and tells the browsers.
fn rebuild_loop(
    mut watch: Watch,
    mut session: Session,
    hub: Hub,
    root: std::path::PathBuf,
    quiet: bool,
    verbose: bool,
    color: bool,
) {
    let mut next: Option<Vec<std::path::PathBuf>> = None;
    loop {
        let mut paths = match next.take() {
            Some(paths) => paths,
            None => match watch.changes.recv() {
                Ok(paths) => paths,
                Err(_) => break,
            },
        };
        // Changes that arrived while waiting join this rebuild.
        while let Ok(more) = watch.changes.try_recv() {
            paths.extend(more);
        }
        watch.rewatch(&paths);
        let css_only = watch::only_stylesheets(&paths, &root);
        match session.rebuild_pages(&paths) {
            Ok(report) => {
                hub.built(css_only);
                if !quiet {
                    let shown: Vec<String> = paths
                        .iter()
                        .take(3)
                        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
                        .collect();
                    eprintln!(
                        "Rebuilt after a change to {} in {:.0?}: {} of {} pages rendered, {} files written{}{}",
                        shown.join(", "),
                        report.elapsed,
                        report.rendered,
                        report.pages,
                        report.written,
                        if report.removed > 0 {
                            format!(", {} removed", report.removed)
                        } else {
                            String::new()
                        },
                        if css_only {
                            "; stylesheets swapped"
                        } else {
                            ""
                        }
                    );
                }
                if verbose {
                    for (stage, took) in &report.timings {
                        eprintln!("  {stage:<24} {took:>10.2?}");
                    }
                }
            }
            Err(errors) => {
                print_errors(&errors, color);
                hub.failed(plain_text(&errors));
            }
        }
        // models.json and the search index are made from the whole
        // catalog: bring them up to date once saves pause, and stop as soon
        // as a newer change comes, so that they never hold up a reload.
        loop {
            match watch.changes.recv_timeout(SEARCH_PAUSE) {
                Ok(more) => {
                    next = Some(more);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // Nothing came during the pause: a flag still set is
                    // from changes already taken in.
                    watch.pending.store(false, Ordering::SeqCst);
                    let interrupted = || watch.pending.load(Ordering::SeqCst);
                    match session.update_site_data(&interrupted) {
                        Ok(Some(_)) => break,
                        // The change that stopped it is on its way.
                        Ok(None) => {}
                        Err(errors) => {
                            print_errors(&errors, color);
                            break;
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// How long saves must pause before models.json and the search index are
/// updated.
const SEARCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

fn print_errors(errors: &Errors, color: bool) {
    for e in &errors.0 {
        eprint!("{}", e.render(color));
    }
    eprintln!("The last good build is still being served.");
}

/// The errors as plain text for the browser overlay.
fn plain_text(errors: &Errors) -> String {
    errors
        .0
        .iter()
        .map(|e| match &e.hint {
            Some(h) => format!("{e}\n  help: {h}"),
            None => e.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {e}); visit {url}");
    }
}
