//! The real `samtal` binary: starts, serves, stops cleanly on SIGTERM, refuses a missing site.
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_samtal");

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let site = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--site-root"])
        .arg(site.path())
        .env("SAMTAL_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn samtal");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read");
    assert!(line.contains("running at http://127.0.0.1:"), "{line}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            assert!(exit.success(), "exit after SIGTERM: {exit}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop within 10 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_refuses_a_missing_site_with_a_clear_message() {
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--site-root", "/nonexistent/samtal-site"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("site folder") && err.contains("build it first"), "{err}");
}
