//! Headless Chromium for the report's tests: load a page from a `file://` URL, let its
//! scripts run (virtual time, so lazy loads finish), and return the DOM and every console
//! message (`--enable-logging=stderr` prints them as `INFO:CONSOLE` lines, whatever their
//! level); or take a screenshot. Without Chromium the tests skip, unless `CI` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser, or `None` (after saying why) when it is missing outside CI.
pub fn find() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(name).output()
            && out.status.success()
        {
            return Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "chromium is missing (.ci/run installs it with apt-get install chromium)"
    );
    eprintln!("skipped: chromium is not installed");
    None
}

pub struct Loaded {
    pub dom: String,
    /// Console messages of the page's scripts: anything they logged, uncaught exceptions.
    pub console: Vec<String>,
}

fn base(browser: &Path, offline: bool) -> Command {
    // Without network: a namespace with no interface but loopback (bubblewrap), so nothing
    // the page could ask for can arrive.
    let mut cmd = if offline {
        let mut c = Command::new("bwrap");
        c.args(["--dev-bind", "/", "/", "--unshare-net"])
            .arg(browser);
        c
    } else {
        Command::new(browser)
    };
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        "--virtual-time-budget=10000",
    ]);
    cmd
}

/// Load `url` and return its DOM once its scripts are done.
pub fn load(browser: &Path, url: &str, offline: bool) -> Loaded {
    let out = base(browser, offline)
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom", url])
        .output()
        .expect("running chromium");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        // The page's own messages; Chromium's internal pages (`chrome://…`) log too.
        .filter(|l| l.contains(":CONSOLE") && l.contains("source: file://"))
        .map(str::to_string)
        .collect();
    Loaded {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console,
    }
}

pub fn screenshot(browser: &Path, url: &str, png: &Path) {
    let out = base(browser, false)
        .arg("--window-size=1280,1400")
        .arg(format!("--screenshot={}", png.display()))
        .arg(url)
        .output()
        .expect("running chromium");
    assert!(
        out.status.success() && png.is_file(),
        "no screenshot of {url}"
    );
}

/// Whether bubblewrap can cut the network here.
pub fn can_cut_network() -> bool {
    Command::new("bwrap")
        .args(["--dev-bind", "/", "/", "--unshare-net", "true"])
        .status()
        .is_ok_and(|s| s.success())
}
