//! The `git` command, run as painter-audit runs it (no git library: the CLI speaks every
//! transport and server quirk), with what an untrusted `repository` field calls for: never
//! prompt for credentials, only the `https`/`http`/`git`/`file` transports (no `ext::`, no
//! `ssh` that could prompt), the URL after `--` so it cannot be an option, a low-speed abort for
//! stalled transfers, and a wall-clock limit per command that kills git and its remote helper
//! (its process group) so an unroutable host cannot hang the run.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Limits of the commands that talk to a remote.
#[derive(Debug, Clone)]
pub struct GitLimits {
    /// `ls-remote`, the first contact: how long before the repository counts as unreachable.
    pub connect_timeout: Duration,
    /// A fetch (shallow or whole).
    pub fetch_timeout: Duration,
    /// Touch no network: only what the cache holds.
    pub offline: bool,
}

impl Default for GitLimits {
    fn default() -> Self {
        GitLimits {
            connect_timeout: Duration::from_secs(30),
            fetch_timeout: Duration::from_secs(600),
            offline: false,
        }
    }
}

/// A failed git command: its last line of stderr, or what stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFailure(pub String);

impl std::fmt::Display for GitFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `git` with the environment every command here gets.
fn git(dir: Option<&Path>) -> Command {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.arg("-C").arg(dir);
    }
    cmd.args([
        "-c",
        "credential.helper=",
        "-c",
        "core.askPass=",
        "-c",
        "http.lowSpeedLimit=1000",
        "-c",
        "http.lowSpeedTime=30",
        "-c",
        "protocol.version=2",
    ])
    .env("GIT_TERMINAL_PROMPT", "0")
    .env("GCM_INTERACTIVE", "never")
    .env("GIT_ALLOW_PROTOCOL", "https:http:git:file")
    // The user's and the system's config may hold insteadOf rules, hooks or helpers.
    .env("GIT_CONFIG_NOSYSTEM", "1")
    .env_remove("GIT_DIR")
    .env_remove("GIT_WORK_TREE")
    .env("LC_ALL", "C");
    cmd
}

/// Run `cmd` with `stdin` fed to it, killed after `timeout`; its stdout on success.
fn run(mut cmd: Command, stdin: Option<Vec<u8>>, timeout: Duration) -> Result<Vec<u8>, GitFailure> {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    // Its own process group: the kill at the time limit reaches git-remote-https too.
    .process_group(0);
    log::debug!("git: {cmd:?}");
    let mut child = cmd
        .spawn()
        .map_err(|e| GitFailure(format!("cannot run git: {e}")))?;
    let feeder = stdin.map(|data| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        std::thread::spawn(move || {
            // A git that stops reading has failed, and says so on stderr.
            let _ = pipe.write_all(&data);
        })
    });
    let mut out_pipe = child.stdout.take().expect("stdout is piped");
    let mut err_pipe = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= timeout => {
                if let Some(pid) = rustix::process::Pid::from_raw(child.id() as i32) {
                    let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
                }
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(GitFailure(format!("cannot wait for git: {e}"))),
        }
    };
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    match status {
        None => Err(GitFailure(format!(
            "git gave no answer within {}s",
            timeout.as_secs()
        ))),
        Some(s) if s.success() => Ok(stdout),
        Some(s) => {
            let stderr = String::from_utf8_lossy(&stderr);
            // git's last `fatal:` line says why; else its last line.
            let lines: Vec<&str> = stderr
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let line = lines
                .iter()
                .rev()
                .find(|l| l.starts_with("fatal:"))
                .or(lines.last())
                .map(|l| l.strip_prefix("fatal: ").unwrap_or(l).to_string())
                .unwrap_or_else(|| format!("git failed ({s})"));
            Err(GitFailure(line))
        }
    }
}

/// What `git ls-remote` says of a repository: its HEAD and every ref, annotated tags peeled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteRefs {
    pub head: Option<String>,
    /// Tag name (without `refs/tags/`) → the commit it points at.
    pub tags: HashMap<String, String>,
}

pub fn parse_ls_remote(text: &str) -> RemoteRefs {
    let mut refs = RemoteRefs::default();
    let mut peeled = HashMap::new();
    for line in text.lines() {
        let Some((oid, name)) = line.split_once('\t') else {
            continue;
        };
        if name == "HEAD" {
            refs.head = Some(oid.to_string());
        } else if let Some(tag) = name.strip_prefix("refs/tags/") {
            match tag.strip_suffix("^{}") {
                Some(tag) => {
                    peeled.insert(tag.to_string(), oid.to_string());
                }
                None => {
                    refs.tags.insert(tag.to_string(), oid.to_string());
                }
            }
        }
    }
    // An annotated tag's own id is the tag object's; the peeled line names its commit.
    refs.tags.extend(peeled);
    refs
}

/// A bare repository in the cache holding what was fetched of one remote.
#[derive(Debug, Clone)]
pub struct CachedRepo {
    pub dir: PathBuf,
    pub url: String,
    pub limits: GitLimits,
}

/// One entry of a commit's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// `100644`, `100755`, `120000` (symlink), `160000` (submodule).
    pub mode: String,
    pub oid: String,
}

impl CachedRepo {
    /// The cache's repository for `url` at `dir`, created (empty, bare) when missing.
    pub fn open(dir: &Path, url: &str, limits: GitLimits) -> Result<CachedRepo, GitFailure> {
        if !dir.join("HEAD").is_file() {
            std::fs::create_dir_all(dir)
                .map_err(|e| GitFailure(format!("cannot create {}: {e}", dir.display())))?;
            let mut init = git(None);
            init.args(["init", "--quiet", "--bare"]).arg(dir);
            run(init, None, Duration::from_secs(60))?;
        }
        Ok(CachedRepo {
            dir: dir.to_path_buf(),
            url: url.to_string(),
            limits,
        })
    }

    fn local(&self, args: &[&str], stdin: Option<Vec<u8>>) -> Result<Vec<u8>, GitFailure> {
        let mut cmd = git(Some(&self.dir));
        cmd.args(args);
        // Local work on objects already here; generous, it only guards against a wedged disk.
        run(cmd, stdin, Duration::from_secs(600))
    }

    /// `git ls-remote`: the first contact, under the connect time limit.
    pub fn ls_remote(&self) -> Result<RemoteRefs, GitFailure> {
        if self.limits.offline {
            return Err(GitFailure("offline".into()));
        }
        let mut cmd = git(None);
        cmd.args(["ls-remote", "--", &self.url]);
        let out = run(cmd, None, self.limits.connect_timeout)?;
        Ok(parse_ls_remote(&String::from_utf8_lossy(&out)))
    }

    /// Whether the cache has the commit (and so its tree).
    pub fn has_commit(&self, commit: &str) -> bool {
        self.local(&["cat-file", "-e", &format!("{commit}^{{commit}}")], None)
            .is_ok()
    }

    /// Fetch only `commit`, one commit deep: what servers that accept a commit id as a
    /// `want` (GitHub, GitLab, git ≥ 2.5 with protocol v2) serve cheaply.
    pub fn fetch_commit(&self, commit: &str) -> Result<(), GitFailure> {
        let mut cmd = git(Some(&self.dir));
        cmd.args([
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--depth",
            "1",
            "--",
        ])
        .args([&self.url, commit]);
        run(cmd, None, self.limits.fetch_timeout).map(|_| ())
    }

    /// Fetch every branch and tag, whole: for servers that refuse a commit id, and to tell a
    /// missing commit from a refused one. A shallow cache is deepened first, or the history
    /// behind its shallow commits would stay missing.
    pub fn fetch_all(&self) -> Result<(), GitFailure> {
        let shallow = self
            .local(&["rev-parse", "--is-shallow-repository"], None)
            .map(|o| String::from_utf8_lossy(&o).trim() == "true")
            .unwrap_or(false);
        let mut cmd = git(Some(&self.dir));
        cmd.args(["fetch", "--quiet", "--no-write-fetch-head", "--force"]);
        if shallow {
            cmd.arg("--unshallow");
        }
        cmd.args([
            "--",
            &self.url,
            "+refs/heads/*:refs/painter/heads/*",
            "+refs/tags/*:refs/tags/*",
        ]);
        run(cmd, None, self.limits.fetch_timeout).map(|_| ())
    }

    /// Every file of `commit`'s tree by path, submodules as `160000` entries.
    pub fn tree(&self, commit: &str) -> Result<HashMap<String, TreeEntry>, GitFailure> {
        let out = self.local(&["ls-tree", "-r", "-z", "--full-tree", commit], None)?;
        let mut entries = HashMap::new();
        for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            // `<mode> SP <type> SP <oid> TAB <path>`
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(mode), Some(_kind), Some(oid)) = (meta.next(), meta.next(), meta.next())
            else {
                continue;
            };
            entries.insert(
                path.to_string(),
                TreeEntry {
                    mode: mode.to_string(),
                    oid: oid.to_string(),
                },
            );
        }
        Ok(entries)
    }

    /// The contents of blobs, by id, in one `git cat-file --batch`.
    pub fn blobs(&self, oids: &[&str]) -> Result<HashMap<String, Vec<u8>>, GitFailure> {
        let mut wanted: Vec<&str> = oids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let mut input = wanted.join("\n").into_bytes();
        input.push(b'\n');
        let out = self.local(&["cat-file", "--batch"], Some(input))?;
        let mut blobs = HashMap::new();
        let mut rest = &out[..];
        for oid in wanted {
            // `<oid> SP <type> SP <size> LF <contents> LF`, or `<oid> SP missing LF`.
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                break;
            };
            let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
            rest = &rest[nl + 1..];
            let fields: Vec<&str> = header.split(' ').collect();
            if fields.len() != 3 {
                continue;
            }
            let size: usize = fields[2]
                .parse()
                .map_err(|_| GitFailure(format!("cat-file: bad header `{header}`")))?;
            if rest.len() < size {
                return Err(GitFailure("cat-file: output cut short".into()));
            }
            blobs.insert(oid.to_string(), rest[..size].to_vec());
            rest = rest.get(size + 1..).unwrap_or(&[]);
        }
        Ok(blobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_remote_peels_annotated_tags() {
        let text = "aaa\tHEAD\naaa\trefs/heads/main\nbbb\trefs/tags/v1.0.0\nccc\trefs/tags/v1.0.0^{}\nddd\trefs/tags/light\n";
        let refs = parse_ls_remote(text);
        assert_eq!(refs.head.as_deref(), Some("aaa"));
        assert_eq!(refs.tags["v1.0.0"], "ccc");
        assert_eq!(refs.tags["light"], "ddd");
    }

    #[test]
    fn a_command_past_its_time_limit_is_killed() {
        let start = Instant::now();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30"]);
        let e = run(cmd, None, Duration::from_millis(300)).unwrap_err();
        assert!(e.0.contains("no answer"), "{e}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
