//! A Prism mock of a spec as a child process: started on a free loopback port, polled until it answers
//! HTTP, and always stopped with every process it spawned (its own process group, plus a watchdog that
//! kills the group when this xtask exits in any way). Used by `demo` and both conformance runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::SPEC;

/// How long Prism may take to start answering the fragment's mock.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long Prism may take to exit after SIGTERM before it gets SIGKILL.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How many bytes of Prism's log an error message shows.
pub(crate) const LOG_TAIL_BYTES: usize = 8 * 1024;

/// Starts Prism on a free loopback port, runs `body` with its URL, and stops Prism afterwards, also
/// when `body` fails (the guard's `Drop` covers panics and early returns).
pub(crate) fn with_prism<T>(
    root: &Path,
    prism_bin: &Path,
    body: impl FnOnce(&str, &Prism) -> Result<T, String>,
) -> Result<T, String> {
    with_prism_on(root, prism_bin, SPEC, STARTUP_TIMEOUT, &["--errors"], body)
}

/// [`with_prism`] for any spec (relative to `root`), waiting up to `startup` for Prism to answer, with
/// more `prism mock` flags (`--errors`: a violation of its own response becomes a 500, not a header;
/// `--seed`: generated bodies are the same on every run).
pub(crate) fn with_prism_on<T>(
    root: &Path,
    prism_bin: &Path,
    spec: &str,
    startup: Duration,
    flags: &[&str],
    body: impl FnOnce(&str, &Prism) -> Result<T, String>,
) -> Result<T, String> {
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    println!("prism: starting a mock of {spec} on {url}");
    let mut prism = Prism::start(root, prism_bin, spec, port, flags)?;
    prism.wait_until_ready(port, startup)?;
    println!("prism: ready (pid {})", prism.pgid);
    let result = body(&url, &prism);
    prism.stop();
    result
}

/// A port on 127.0.0.1 that nothing listened on a moment ago.
pub(crate) fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("conformance: could not bind 127.0.0.1:0 to find a free port: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("conformance: local_addr failed: {e}"))?.port();
    drop(listener);
    Ok(port)
}

/// Watchdog wrapper: runs Prism in the background, and kills the whole process group as soon as its
/// stdin reaches end of file, which happens when this xtask exits in any way (even on Ctrl-C or
/// SIGKILL, where `Drop` does not run). `$0`/`$@` are the Prism command line. Stdin of background
/// jobs is /dev/null in a non-interactive shell, hence the copy to fd 3.
const WATCHDOG: &str = r#"exec 3<&0
"$0" "$@" </dev/null 3<&- &
prism=$!
{ cat <&3 >/dev/null; kill -TERM 0; } &
wait "$prism""#;

/// A running Prism mock, in its own process group. Dropping it kills the group.
pub(crate) struct Prism {
    child: Child,
    /// Process group id (= pid of the wrapper shell, the group leader).
    pgid: u32,
    /// Prism's stdout and stderr, interleaved as they arrived.
    log: Arc<Mutex<String>>,
    stopped: bool,
}

impl Prism {
    fn start(root: &Path, prism_bin: &Path, spec: &str, port: u16, flags: &[&str]) -> Result<Self, String> {
        let port = port.to_string();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg(prism_bin)
            .args(["mock", spec, "--host", "127.0.0.1", "--port", &port])
            .args(flags)
            .current_dir(root)
            // Own process group, so that SIGTERM to the group reaches Prism's node children too and
            // a Ctrl-C in the terminal does not race with our own shutdown.
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("conformance: could not start {}: {e}", prism_bin.display()))?;
        let pgid = child.id();
        let log = Arc::new(Mutex::new(String::new()));
        if let Some(out) = child.stdout.take() {
            capture(out, Arc::clone(&log));
        }
        if let Some(err) = child.stderr.take() {
            capture(err, Arc::clone(&log));
        }
        Ok(Prism { child, pgid, log, stopped: false })
    }

    /// Polls until Prism answers HTTP on `port`, it exits, or `timeout` passes.
    fn wait_until_ready(&mut self, port: u16, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "conformance: Prism exited before it was ready ({status}).\n--- Prism output ---\n{}",
                    self.log_tail()
                ));
            }
            if answers_http(addr) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "conformance: Prism did not answer on {addr} within {} s.\n--- Prism output ---\n{}",
                    timeout.as_secs(),
                    self.log_tail()
                ));
            }
            thread::sleep(Duration::from_millis(250));
        }
    }

    /// The last `LOG_TAIL_BYTES` of Prism's output.
    pub(crate) fn log_tail(&self) -> String {
        let log = self.log.lock().map(|log| log.clone()).unwrap_or_default();
        let mut start = log.len().saturating_sub(LOG_TAIL_BYTES);
        while !log.is_char_boundary(start) {
            start += 1;
        }
        log[start..].to_owned()
    }

    /// Stops the whole process group: SIGTERM, then SIGKILL after `SHUTDOWN_GRACE`. Idempotent.
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // Closing stdin alone makes the watchdog kill the group; signal it directly as well.
        drop(self.child.stdin.take());
        let group = format!("-{}", self.pgid);
        signal_group("-TERM", &group);
        let deadline = Instant::now() + SHUTDOWN_GRACE;
        loop {
            // Reap the group leader so that it does not keep the group alive as a zombie.
            let _ = self.child.try_wait();
            if !group_alive(&group) {
                break;
            }
            if Instant::now() >= deadline {
                eprintln!("conformance: Prism did not stop within {} s; sending SIGKILL", SHUTDOWN_GRACE.as_secs());
                signal_group("-KILL", &group);
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.wait();
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends `signal` to process group `group` (`-<pgid>`) with kill(1).
fn signal_group(signal: &str, group: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", group])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Whether any process of group `group` (`-<pgid>`) still exists.
fn group_alive(group: &str) -> bool {
    Command::new("kill")
        .args(["-0", "--", group])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
        .unwrap_or(false)
}

/// Appends everything `source` produces to `log`, line by line, in a background thread.
fn capture(source: impl Read + Send + 'static, log: Arc<Mutex<String>>) {
    thread::spawn(move || {
        for line in BufReader::new(source).lines() {
            let Ok(line) = line else { break };
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
}

/// Whether an HTTP server answers a request on `addr` (any status counts).
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0_u8; 12];
    matches!(stream.read_exact(&mut head), Ok(())) && head.starts_with(b"HTTP/1.")
}
