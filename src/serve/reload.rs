//! Live reload: what the server tells browsers after a rebuild, and the
//! small script that listens (Server-Sent Events under the site's own path,
//! so it works under a sub-path and behind a proxy).
//!
//! The script is added to HTML only as it is served; built files never
//! contain it.

use std::sync::{Arc, Mutex};

use futures::Stream;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// The folder, under the site's base path, of the dev server's endpoints.
pub const ENDPOINT_DIR: &str = "__modelsite";

/// How many changes wait for a browser that is slow to read them.
const CHANNEL_SIZE: usize = 64;

/// What happened, as browsers hear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The site was rebuilt: reload the page.
    Reload,
    /// Only stylesheets changed: swap them without a reload.
    Css,
    /// The rebuild failed: show this text over the page.
    Failed(String),
}

/// The state every connection shares: the last outcome and a channel.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Change>,
    state: Arc<Mutex<HubState>>,
}

#[derive(Debug, Default)]
struct HubState {
    /// Numbers successful builds; a browser that sees it change after a
    /// reconnect reloads.
    build: u64,
    error: Option<String>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Hub {
        let (sender, _) = broadcast::channel(CHANNEL_SIZE);
        // Builds are numbered from the time the server started, so a page
        // that reconnects to a restarted server sees a new number.
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Hub {
            sender,
            state: Arc::new(Mutex::new(HubState {
                build: start,
                error: None,
            })),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }

    /// Every change from now on, for one browser. A browser that falls
    /// behind by more than the channel holds hears `Reload` for what it
    /// missed: whatever that was, the page it shows is older than the site.
    pub fn changes(&self) -> impl Stream<Item = Change> + Send + use<> {
        BroadcastStream::new(self.subscribe()).map(|change| match change {
            Ok(change) => change,
            Err(BroadcastStreamRecvError::Lagged(_)) => Change::Reload,
        })
    }

    /// The build number and the current error, if the last rebuild failed.
    pub fn current(&self) -> (u64, Option<String>) {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        (state.build, state.error.clone())
    }

    /// Records a successful rebuild and tells every browser.
    pub fn built(&self, css_only: bool) {
        let had_error = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.build += 1;
            state.error.take().is_some()
        };
        // After an error the page must reload to drop the overlay.
        let change = if css_only && !had_error {
            Change::Css
        } else {
            Change::Reload
        };
        let _ = self.sender.send(change);
    }

    /// Records a failed rebuild and shows it in every browser.
    pub fn failed(&self, message: String) {
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.error = Some(message.clone());
        }
        let _ = self.sender.send(Change::Failed(message));
    }
}

/// The script added before `</body>` of every served page. `events` is the
/// URL path of the event stream.
pub fn script_tag(events_path: &str) -> String {
    format!("<script data-modelsite-reload=\"{events_path}\">{RELOAD_JS}</script>")
}

/// Listens for rebuilds; reloads, swaps stylesheets, or shows an overlay.
/// EventSource reconnects by itself when the server restarts.
const RELOAD_JS: &str = r#"
(function () {
  var me = document.currentScript;
  var url = me.getAttribute("data-modelsite-reload");
  var seenBuild = null;
  function overlay(text) {
    var box = document.getElementById("modelsite-error");
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "modelsite-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var title = document.createElement("strong");
      title.textContent = "The site failed to rebuild. The last good version is still served.";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin-top:1rem;color:#ffd7d7";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }
  function swapStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var u = new URL(links[i].href, location.href);
      u.searchParams.set("reload", Date.now());
      links[i].href = u.toString();
    }
  }
  var source = new EventSource(url);
  source.addEventListener("hello", function (e) {
    var info = JSON.parse(e.data);
    if (seenBuild !== null && info.build !== seenBuild) { location.reload(); return; }
    seenBuild = info.build;
    overlay(info.error);
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function () { swapStyles(); });
  source.addEventListener("failed", function (e) { overlay(JSON.parse(e.data).error); });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_change_after_an_error_reloads_the_page() {
        let hub = Hub::new();
        let mut rx = hub.subscribe();
        hub.built(true);
        assert_eq!(rx.try_recv().ok(), Some(Change::Css));
        hub.failed("boom".into());
        assert_eq!(rx.try_recv().ok(), Some(Change::Failed("boom".into())));
        assert_eq!(hub.current().1.as_deref(), Some("boom"));
        let before = hub.current().0;
        hub.built(true);
        assert_eq!(rx.try_recv().ok(), Some(Change::Reload));
        assert_eq!(hub.current(), (before + 1, None));
    }

    #[test]
    fn a_browser_that_falls_behind_hears_reload() {
        let hub = Hub::new();
        let changes = hub.changes();
        for _ in 0..CHANNEL_SIZE + 10 {
            hub.built(true);
        }
        drop(hub);
        let heard: Vec<Change> = futures::executor::block_on_stream(Box::pin(changes)).collect();
        assert_eq!(heard.first(), Some(&Change::Reload), "{heard:?}");
        assert_eq!(heard.len(), CHANNEL_SIZE + 1, "then the changes kept");
        assert!(heard[1..].iter().all(|c| *c == Change::Css));
    }
}
