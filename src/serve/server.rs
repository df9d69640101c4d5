//! The dev server: serves the output folder under the site's base path,
//! adds the live-reload script to HTML as it goes out, streams rebuild
//! events, and answers unknown paths with the site's `404.html`.
//!
//! It serves nothing outside the output folder: `..` segments are refused
//! and every file is checked, after resolving symlinks, to lie inside it.
//! A client gets [`HEAD_TIMEOUT`] to send each request's head, within
//! [`MAX_HEAD_BYTES`] and [`MAX_HEADERS`], so that a slow or hostile client
//! holds a connection for seconds at most and never a whole server.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_stream::StreamExt;

use crate::serve::reload::{Change, ENDPOINT_DIR, Hub, script_tag};

/// How long a client has to send a request's line and headers, counted
/// from the moment the server waits for them (a new connection, or the
/// end of the previous response on a kept-alive one).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// The most bytes a request's line and headers may take; a longer head is
/// answered with 431 and the connection closed.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most headers a request may have (more: 431).
pub const MAX_HEADERS: usize = 100;

/// How long to wait before accepting again after accepting failed (out of
/// file descriptors, say): the connections already open go on meanwhile.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Accepts connections on `listener` for ever and serves `app` on each,
/// HTTP/1 with the limits above.
pub async fn serve_connections(listener: TcpListener, app: Router) {
    let mut failing = false;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // A client that gave up before it was accepted concerns
                // no one else.
                if !is_about_one_connection(&e) {
                    if !failing {
                        eprintln!(
                            "warning: cannot accept connections ({e}); trying again every {ACCEPT_RETRY:?}"
                        );
                    }
                    failing = true;
                    tokio::time::sleep(ACCEPT_RETRY).await;
                }
                continue;
            }
        };
        failing = false;
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            // Errors here are one client's (a timeout, a bad request, a
            // reset): hyper has answered what can be answered.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .max_headers(MAX_HEADERS)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Whether an accept error ended only the connection being accepted.
fn is_about_one_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// What the server needs to know.
#[derive(Clone)]
pub struct ServerState {
    /// The output folder, canonical.
    pub root: PathBuf,
    /// The site's base path, starting and ending with `/`.
    pub base_path: String,
    pub hub: Hub,
    /// Whether to add the reload script (only with `--watch`).
    pub live_reload: bool,
}

impl ServerState {
    fn events_path(&self) -> String {
        format!("{}{ENDPOINT_DIR}/events", self.base_path)
    }
}

/// The router: the event stream, and every other path as a file.
pub fn router(state: ServerState) -> Router {
    let events = state.events_path();
    let sse_state = state.clone();
    Router::new()
        .route(
            &events,
            axum::routing::get(move || {
                let state = sse_state.clone();
                async move { event_stream(&state) }
            }),
        )
        .fallback(move |method: Method, uri: Uri| {
            let state = state.clone();
            async move { serve_path(&state, &method, &uri).await }
        })
}

fn event_stream(state: &ServerState) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let (build, error) = state.hub.current();
    let hello = Event::default()
        .event("hello")
        .data(serde_json::json!({ "build": build, "error": error }).to_string());
    let updates = state.hub.changes().map(|change| {
        let event = match change {
            Change::Reload => Event::default().event("reload").data("reload"),
            Change::Css => Event::default().event("css").data("css"),
            Change::Failed(message) => Event::default()
                .event("failed")
                .data(serde_json::json!({ "error": message }).to_string()),
        };
        Ok(event)
    });
    let stream = tokio_stream::once(Ok(hello)).chain(updates);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn redirect(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::TEMPORARY_REDIRECT)
        .header(header::LOCATION, to)
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn serve_path(state: &ServerState, method: &Method, uri: &Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = uri.path();
    let base = state.base_path.as_str();
    // The base path without its slash, and anything outside it, lead home.
    if path == base.trim_end_matches('/') || (base != "/" && path == "/") {
        return redirect(base);
    }
    let Some(rest) = path.strip_prefix(base) else {
        return not_found(state, method).await;
    };
    let Some(relative) = safe_relative_path(rest) else {
        return not_found(state, method).await;
    };
    let candidate = state.root.join(&relative);
    let file = if candidate.is_dir() {
        if !path.ends_with('/') && !rest.is_empty() {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            return redirect(&format!("{path}/{query}"));
        }
        candidate.join("index.html")
    } else {
        candidate
    };
    match read_inside(&state.root, &file).await {
        Some(bytes) => respond(state, method, &file, bytes, StatusCode::OK),
        None => not_found(state, method).await,
    }
}

/// Turns the part of a URL path after the base into a relative file path,
/// or `None` if it tries to leave the folder.
fn safe_relative_path(rest: &str) -> Option<PathBuf> {
    let decoded = percent_decode(rest)?;
    let mut out = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => out.push(s),
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Reads `file` if, with symlinks resolved, it is a file inside `root`.
async fn read_inside(root: &Path, file: &Path) -> Option<Vec<u8>> {
    let real = tokio::fs::canonicalize(file).await.ok()?;
    if !real.starts_with(root) {
        return None;
    }
    if !tokio::fs::metadata(&real).await.ok()?.is_file() {
        return None;
    }
    tokio::fs::read(&real).await.ok()
}

async fn not_found(state: &ServerState, method: &Method) -> Response {
    let page = state.root.join("404.html");
    match read_inside(&state.root, &page).await {
        Some(bytes) => respond(state, method, &page, bytes, StatusCode::NOT_FOUND),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

fn respond(
    state: &ServerState,
    method: &Method,
    file: &Path,
    bytes: Vec<u8>,
    status: StatusCode,
) -> Response {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html && state.live_reload {
        inject(&bytes, &script_tag(&state.events_path()))
    } else {
        bytes
    };
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let mut response = Response::new(if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // A dev server: always fetch the newest build.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Puts `script` before the last `</body>`, or at the end.
fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + script.len());
    out.push_str(&text[..at]);
    out.push_str(script);
    out.push_str(&text[at..]);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        assert_eq!(
            safe_relative_path("models/x/"),
            Some(PathBuf::from("models/x"))
        );
        assert_eq!(safe_relative_path("../etc/passwd"), None);
        assert_eq!(safe_relative_path("%2e%2e/etc/passwd"), None);
        assert_eq!(safe_relative_path("a/%2e%2e%2f%2e%2e/b"), None);
        assert_eq!(safe_relative_path("a%5c..%5cb"), None);
        assert_eq!(safe_relative_path("%zz"), None);
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let out = inject(b"<html><body><p>x</p></body></html>", "<script></script>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>x</p><script></script></body></html>"
        );
    }
}
