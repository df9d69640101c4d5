//! `modelsite serve` against many, slow and hostile clients on 127.0.0.1:
//! 200 browsers holding the reload stream through a save, clients that
//! send a request a byte a second or not at all, request heads far too
//! large, more connections than the server has file descriptors, and paths
//! that try to leave the output folder. The server keeps answering the
//! others, closes what it must, and serves nothing from outside the output
//! folder.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Site;
use common::serve::{eventually, get, split_response, start, start_command};

/// The server's limit on the time to send a request head (5 s), and what
/// the tests allow beyond it for a loaded machine.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
const MARGIN: Duration = Duration::from_secs(3);

/// Opens the event stream and reads until its `hello`; `None` if that does
/// not come within `deadline`.
fn open_events(port: u16, deadline: Duration) -> Option<(TcpStream, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(b"GET /repo/__modelsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let seen = read_until(&mut stream, "event: hello", deadline)?;
    Some((stream, seen))
}

/// Reads from `stream` until what was read holds `needle`, the stream
/// ends, or `deadline` passes; returns everything read if `needle` came.
fn read_until(stream: &mut TcpStream, needle: &str, deadline: Duration) -> Option<String> {
    let start = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .ok()?;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen);
                if text.contains(needle) {
                    return Some(text.into_owned());
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Sends `request` and reads the answer: its status, or 0 when the server
/// closed the connection without one.
fn send_raw(port: u16, request: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The server may stop reading and close before all of it is sent.
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    split_response(&raw).0
}

#[test]
fn two_hundred_browsers_hear_a_save_and_pages_keep_being_served() {
    const CLIENTS: usize = 200;
    let site = Site::new();
    let server = start(site.root(), true);
    let port = server.port;
    let page = "/repo/models/llama-2/";

    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
    let (done_tx, done_rx) = mpsc::channel::<Result<(), String>>();
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let ready_tx = ready_tx.clone();
        let done_tx = done_tx.clone();
        clients.push(std::thread::spawn(move || {
            // As a browser does: the page, then its event stream.
            let (status, _, body) = get(port, page);
            if status != 200 || !body.contains("Llama 2") {
                let _ = ready_tx.send(Err(format!("client {i}: the page answered {status}")));
                return;
            }
            let Some((mut events, _)) = open_events(port, Duration::from_secs(20)) else {
                let _ = ready_tx.send(Err(format!("client {i}: no hello on the event stream")));
                return;
            };
            let _ = ready_tx.send(Ok(()));
            if read_until(&mut events, "event: reload", Duration::from_secs(30)).is_none() {
                let _ = done_tx.send(Err(format!("client {i}: no reload event")));
                return;
            }
            // And reloads the page.
            let (status, _, body) = get(port, page);
            let outcome = if status == 200 && body.contains("Llama Two") {
                Ok(())
            } else {
                Err(format!("client {i}: the reloaded page answered {status}"))
            };
            let _ = done_tx.send(outcome);
            drop(events);
        }));
    }
    let started = Instant::now();
    for _ in 0..CLIENTS {
        let left = Duration::from_secs(30).saturating_sub(started.elapsed());
        match ready_rx.recv_timeout(left) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("not every client had its page and event stream within 30 s"),
        }
    }
    eprintln!(
        "{CLIENTS} clients have the page and the event stream after {:.2?}",
        started.elapsed()
    );

    let yaml = "data/models/llama-2.yaml";
    site.write(
        yaml,
        &site.read(yaml).replace("name: Llama 2", "name: Llama Two"),
    );
    let saved = Instant::now();
    // While the 200 streams are told, other requests are answered.
    let (status, _, body) = get(port, "/repo/models/llama/");
    assert_eq!(status, 200);
    assert!(body.contains("LLaMA"));
    for _ in 0..CLIENTS {
        let left = Duration::from_secs(30).saturating_sub(saved.elapsed());
        match done_rx.recv_timeout(left) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("not every client heard the reload within 30 s of the save"),
        }
    }
    eprintln!(
        "{CLIENTS} clients heard the reload and got the new page {:.2?} after the save",
        saved.elapsed()
    );
    for client in clients {
        client.join().expect("a client thread ended normally");
    }
    let (status, _, body) = get(port, page);
    assert_eq!((status, body.contains("Llama Two")), (200, true));
}

/// What became of one slow client: how long the server kept it.
enum Slow {
    Closed(Duration),
    StillOpen,
}

/// A client that sends a request head one byte a second (`trickle`) or
/// nothing at all, until the server closes the connection or `give_up`.
fn slow_client(port: u16, trickle: bool, give_up: Duration) -> Slow {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .expect("timeout");
    // A head that never ends: a request line, then one endless header.
    let head = b"GET /repo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    let mut sent = 0;
    let mut buf = [0u8; 1024];
    while started.elapsed() < give_up {
        if trickle {
            let byte = head.get(sent).copied().unwrap_or(b'a');
            if stream.write_all(&[byte]).is_err() {
                return Slow::Closed(started.elapsed());
            }
            sent += 1;
        }
        // Waits up to a second: the pause between two bytes.
        match stream.read(&mut buf) {
            // The server closed, perhaps after saying why.
            Ok(_) => return Slow::Closed(started.elapsed()),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Slow::Closed(started.elapsed()),
        }
    }
    Slow::StillOpen
}

#[test]
fn slow_and_silent_clients_are_dropped_while_others_are_answered() {
    let site = Site::new();
    let server = start(site.root(), false);
    let port = server.port;
    let give_up = HEAD_TIMEOUT + MARGIN;
    let slow: Vec<_> = (0..20)
        .map(|i| std::thread::spawn(move || slow_client(port, i % 2 == 0, give_up)))
        .collect();

    // Others are answered quickly the whole time.
    let started = Instant::now();
    let mut answered = 0;
    while started.elapsed() < HEAD_TIMEOUT + Duration::from_secs(1) {
        let asked = Instant::now();
        let (status, _, body) = get(port, "/repo/");
        let took = asked.elapsed();
        assert_eq!(status, 200);
        assert!(body.contains("Test Atlas"));
        assert!(
            took < Duration::from_secs(2),
            "a request took {took:?} while slow clients were connected"
        );
        answered += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(answered > 10, "only {answered} requests answered");

    let mut kept = Vec::new();
    for (i, client) in slow.into_iter().enumerate() {
        match client.join().expect("a slow client ended normally") {
            Slow::Closed(after) => kept.push(after),
            Slow::StillOpen => panic!(
                "slow client {i} ({}) was still connected after {give_up:?}",
                if i % 2 == 0 {
                    "one byte a second"
                } else {
                    "silent"
                }
            ),
        }
    }
    let longest = kept.iter().max().copied().unwrap_or_default();
    eprintln!("slow clients were closed after at most {longest:.2?}");
    assert!(
        longest >= HEAD_TIMEOUT - Duration::from_millis(500),
        "slow clients get the whole time to send their head: {longest:?}"
    );
}

#[test]
fn heads_too_large_are_refused_and_the_next_request_is_answered() {
    let site = Site::new();
    let server = start(site.root(), false);
    let port = server.port;
    let megabyte = "a".repeat(1 << 20);
    let many_headers: String = (0..1000)
        .map(|i| format!("X-Header-{i}: {i}\r\n"))
        .collect();
    let cases = [
        (
            "a 1 MB header",
            format!("GET /repo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {megabyte}\r\n\r\n"),
        ),
        (
            "a 1 MB path",
            format!("GET /repo/{megabyte} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        ),
        (
            "1000 headers",
            format!("GET /repo/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{many_headers}\r\n"),
        ),
    ];
    for (what, request) in &cases {
        let asked = Instant::now();
        let status = send_raw(port, request.as_bytes());
        assert!(
            status == 0 || (400..500).contains(&status),
            "{what} was answered {status}"
        );
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "{what} took {:?} to refuse",
            asked.elapsed()
        );
        let (status, _, body) = get(port, "/repo/");
        assert_eq!(status, 200, "the request after {what} is answered");
        assert!(body.contains("Test Atlas"));
    }
    // A large head within the limits is still served.
    let cookie = "c".repeat(16 * 1024);
    let request = format!("GET /repo/ HTTP/1.0\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n");
    assert_eq!(send_raw(port, request.as_bytes()), 200);
}

#[test]
fn no_request_reaches_a_file_outside_the_output_folder() {
    let site = Site::new();
    site.write("secret.txt", "top secret");
    site.write(
        "static/folder/readme.txt",
        "a file in a folder without an index",
    );
    let server = start(site.root(), false);
    let port = server.port;
    // Links inside the output folder to a file and a folder outside it.
    std::os::unix::fs::symlink(site.path("secret.txt"), site.path("public/link.txt"))
        .expect("symlink");
    std::os::unix::fs::symlink(site.root(), site.path("public/outside")).expect("symlink");
    let secret = site.path("secret.txt").to_string_lossy().into_owned();
    let encoded_secret = secret.replace('/', "%2f");
    let paths = [
        "/repo/../secret.txt".to_string(),
        "/../secret.txt".to_string(),
        "/repo/./../secret.txt".to_string(),
        "/repo/%2e%2e/secret.txt".to_string(),
        "/repo/.%2e/secret.txt".to_string(),
        "/repo/%2E%2E%2Fsecret.txt".to_string(),
        "/repo/models/..%2f..%2fsecret.txt".to_string(),
        "/repo/..%5csecret.txt".to_string(),
        "/repo/%2e%2e%5csecret.txt".to_string(),
        "/repo/%252e%252e/secret.txt".to_string(),
        "/repo/%252e%252e%252fsecret.txt".to_string(),
        "/repo/..%255csecret.txt".to_string(),
        format!("/repo/{secret}"),
        format!("/repo//{secret}"),
        format!("/repo/{encoded_secret}"),
        format!("http://127.0.0.1/repo/../{}", "secret.txt"),
        "/repo/%00/../secret.txt".to_string(),
        "/repo/secret.txt%00.html".to_string(),
        "/repo/C:%5c..%5csecret.txt".to_string(),
        "/repo/link.txt".to_string(),
        "/repo/outside/secret.txt".to_string(),
    ];
    for path in &paths {
        let (status, _, body) = get(port, path);
        assert_eq!(status, 404, "{path} must not be served");
        assert!(!body.contains("top secret"), "{path} leaked a file");
    }
    // Bytes that are not allowed in a request line at all.
    for raw in [
        &b"GET /repo/\0/../secret.txt HTTP/1.0\r\n\r\n"[..],
        b"GET /repo/..\\secret.txt HTTP/1.0\r\n\r\n",
        b"GET /repo/\xff/../secret.txt HTTP/1.0\r\n\r\n",
    ] {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let _ = stream.write_all(raw);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let (status, _, body) = split_response(&answer);
        let shown = String::from_utf8_lossy(raw);
        assert!(
            status == 0 || (400..500).contains(&status),
            "{shown:?} was answered {status}"
        );
        assert!(!body.contains("top secret"), "{shown:?} leaked a file");
    }
    let (status, _, body) = get(port, "/repo/folder/");
    assert_eq!(status, 404, "no directory listings");
    assert!(!body.contains("readme.txt"));
    let (status, _, body) = get(port, "/repo/folder/readme.txt");
    assert_eq!(
        (status, body.as_str()),
        (200, "a file in a folder without an index")
    );
    eventually("the site is still served", Duration::from_secs(5), || {
        get(port, "/repo/").0 == 200
    });
}

#[test]
fn running_out_of_file_descriptors_does_not_stop_the_server() {
    let site = Site::new();
    let log = site.path("serve.log");
    // The server may open 64 files and sockets at once.
    let mut shell = std::process::Command::new("sh");
    shell
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_modelsite"))
        .stderr(std::fs::File::create(&log).expect("log file"));
    let server = start_command(shell, site.root(), 0, false, &[]);
    let port = server.port;
    assert_eq!(get(port, "/repo/").0, 200);

    // More connections than that, holding the server's descriptors.
    let held: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connect"))
        .collect();
    eventually(
        "the server to say it cannot accept",
        Duration::from_secs(10),
        || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("warning: cannot accept connections")
        },
    );
    drop(held);
    // Once they are closed, it answers again.
    let asked = Instant::now();
    let (status, _, body) = get(port, "/repo/");
    assert_eq!(status, 200);
    assert!(body.contains("Test Atlas"));
    eprintln!(
        "answered {:.2?} after the connections closed",
        asked.elapsed()
    );
}
