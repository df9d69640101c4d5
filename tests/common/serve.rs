//! A running `modelsite serve` on 127.0.0.1, raw HTTP requests to it, and
//! polling with a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `modelsite serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// e.g. `http://127.0.0.1:4321/repo/`
    pub url: String,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves the site at `root` on a port the system picks.
pub fn start(root: &Path, watch: bool) -> Server {
    start_with(root, 0, watch, &[])
}

/// Serves the site at `root` from `port` on (0: one the system picks),
/// with more arguments for `serve`.
pub fn start_with(root: &Path, port: u16, watch: bool, args: &[&str]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_modelsite"));
    cmd.stderr(Stdio::null());
    start_command(cmd, root, port, watch, args)
}

/// [`start_with`], running `serve` through `cmd` (the binary, or a shell
/// that runs it), whose standard error goes where `cmd` says.
pub fn start_command(
    mut cmd: Command,
    root: &Path,
    port: u16,
    watch: bool,
    args: &[&str],
) -> Server {
    cmd.arg("serve")
        .args(args)
        .arg("--root")
        .arg(root)
        .arg("--interface")
        .arg("127.0.0.1")
        .arg("--port")
        .arg(port.to_string())
        .arg("--offline")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped());
    if watch {
        cmd.arg("--watch");
    }
    let mut child = cmd.spawn().expect("start modelsite serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("Serving the site at ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(url) => url,
        Err(_) => {
            let _ = child.kill();
            panic!("the server did not say where it serves within 60 s");
        }
    };
    let port = url
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port in the URL");
    Server { child, url, port }
}

/// A raw HTTP/1.0 GET of `path` exactly as written (no normalisation):
/// the status, the head and the body.
pub fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    split_response(&raw)
}

/// The status, head and body of a raw response (status 0 if there is none).
pub fn split_response(raw: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// Polls `check` until it holds or the deadline passes.
pub fn eventually(what: &str, deadline: Duration, check: impl FnMut() -> bool) {
    if !wait_until(deadline, check) {
        panic!("{what} did not happen within {deadline:?}");
    }
}

/// Polls `check` until it holds or `deadline` passes; says which.
pub fn wait_until(deadline: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}
