//! The real `samtal` binary: starts, serves, stops cleanly on SIGTERM, refuses a missing site.
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_samtal");

/// Runs `samtal ARGS --data-dir DATA` with a master key in the environment; returns (success,
/// stdout, stderr) and checks that the key was never printed, whatever the log level.
fn samtal(data: &std::path::Path, key_byte: &str, args: &[&str]) -> (bool, String, String) {
    let key = key_byte.repeat(32);
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("SAMTAL_LOG_FORMAT", "json")
        .env("SAMTAL_MASTER_KEY", &key)
        .env("RUST_LOG", "trace")
        .output()
        .expect("run samtal");
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(!stdout.contains(&key) && !stderr.contains(&key), "the master key was printed");
    (out.status.success(), stdout, stderr)
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let site = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--site-root"])
        .arg(site.path())
        .arg("--data-dir")
        .arg(site.path().join("data"))
        .arg("--generate-master-key")
        .env("SAMTAL_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn samtal");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read");
    assert!(line.contains("running at http://127.0.0.1:"), "{line}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
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
        .args(["--data-dir", "/nonexistent/samtal-data"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("site folder") && err.contains("build it first"), "{err}");
}

#[test]
fn tenant_cli_creates_lists_disables_and_refuses_bad_input() {
    let data = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| samtal(data.path(), "42", args);
    let (ok, _, err) = run(&["tenant", "create", "acme", "--name", "Acme AB"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["tenant", "create", "acme", "--name", "Other"]);
    assert!(!ok);
    assert!(err.contains("already exists"));
    let (ok, _, err) = run(&["tenant", "create", "Bad_Slug", "--name", "X"]);
    assert!(!ok);
    assert!(err.contains("invalid tenant name"), "{err}");
    let (_, _, err) = run(&["tenant", "create", "www", "--name", "X"]);
    assert!(err.contains("reserved"), "{err}");
    assert!(run(&["tenant", "disable", "acme"]).0);
    let (_, out, _) = run(&["tenant", "list"]);
    assert!(out.contains("acme") && out.contains("disabled") && out.contains("Acme AB"), "{out}");
    assert!(out.contains("1 tenant(s)"), "{out}");
    assert!(run(&["tenant", "enable", "acme"]).0);
    let (ok, out, _) = run(&["migrate"]);
    assert!(ok);
    assert!(out.contains("1 up to date"), "{out}");
    let (ok, _, err) = run(&["tenant", "disable", "nobody"]);
    assert!(!ok);
    assert!(err.contains("no tenant named nobody"), "{err}");
}

#[test]
fn commands_refuse_to_run_without_a_master_key() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .args(["tenant", "create", "acme", "--name", "Acme AB", "--data-dir"])
        .arg(data.path())
        .env_remove("SAMTAL_MASTER_KEY")
        .env_remove("SAMTAL_MASTER_KEY_FILE")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no master key"));
    assert!(!data.path().join("tenants").exists(), "created storage without a key");
    let bad = Command::new(BIN)
        .args(["tenant", "list", "--data-dir"])
        .arg(data.path())
        .env("SAMTAL_MASTER_KEY", "not-hex")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("64 hexadecimal"));
}

#[test]
fn logbook_cli_verifies_tails_and_exports() {
    let data = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| samtal(data.path(), "17", args);
    assert!(run(&["tenant", "create", "acme", "--name", "Acme AB"]).0);
    assert!(run(&["tenant", "disable", "acme"]).0);
    let (ok, out, err) = run(&["logbook", "verify", "acme"]);
    assert!(ok, "{err}");
    assert!(out.contains("chain intact; 2 event(s) checked"), "{out}");
    let (ok, out, _) = run(&["logbook", "tail", "acme"]);
    assert!(ok);
    assert!(out.contains("tenant.created") && out.contains("tenant.disabled"), "{out}");
    assert!(!out.contains("Acme AB"), "the display name leaked into the logbook: {out}");
    let (ok, out, _) = run(&["logbook", "tail", "acme", "--action", "tenant.disabled"]);
    assert!(ok && !out.contains("tenant.created") && out.contains("tenant.disabled"), "{out}");
    let (ok, _, err) = run(&["logbook", "tail", "acme", "--action", "talk.note.text"]);
    assert!(!ok && err.contains("unknown action"), "{err}");
    let today = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs() as i64;
    let from = app::model::format::iso_date(today - 86_400);
    let to = app::model::format::iso_date(today + 86_400);
    let (ok, csv, err) = run(&["logbook", "export", "acme", "--from", &from, "--to", &to]);
    assert!(ok, "{err}");
    let lines: Vec<_> = csv.lines().collect();
    assert!(lines[0].starts_with(r#""seq","time_utc","actor","action""#), "{csv}");
    // Header, the two tenant events, and the export itself (logged before the data leaves).
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[3].contains("logbook.exported"), "{csv}");
    let (_, out, _) = run(&["logbook", "tail", "acme", "--action", "logbook.exported"]);
    assert!(out.contains("logbook.exported"), "the export was not logged: {out}");
    let (ok, _, err) = run(&["logbook", "export", "acme", "--from", "2026-02-30", "--to", &to]);
    assert!(!ok && err.contains("--from must be a date"), "{err}");
    let (ok, _, err) = run(&["logbook", "verify", "nobody"]);
    assert!(!ok && err.contains("no tenant named nobody"), "{err}");
    let (ok, out, _) = run(&["logbook", "verify", "acme"]);
    assert!(ok && out.contains("3 event(s)"), "{out}");
}

#[test]
fn retention_below_90_days_is_refused() {
    let site = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--logbook-retention-days", "30", "--site-root"])
        .arg(site.path())
        .arg("--data-dir")
        .arg(site.path().join("data"))
        .env("SAMTAL_MASTER_KEY", "17".repeat(32))
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 90 days"));
}

#[test]
fn user_create_prints_a_one_time_link_and_demo_accounts_are_written_privately() {
    let data = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| samtal(data.path(), "23", args);
    assert!(run(&["tenant", "create", "acme", "--name", "Acme AB"]).0);
    let (ok, out, err) =
        run(&["user", "create", "acme", "--email", "hr@acme.se", "--name", "Hanna", "--role", "admin"]);
    assert!(ok, "{err}");
    assert!(out.contains("http://acme.localhost:3000/set-password#token="), "{out}");
    let (ok, _, err) = run(&["user", "create", "acme", "--email", "HR@acme.se", "--name", "Dup", "--role", "admin"]);
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = run(&["user", "create", "acme", "--email", "x@acme.se", "--name", "X", "--role", "boss"]);
    assert!(!ok && err.contains("--role must be"), "{err}");
    let (ok, out, _) = run(&["user", "reset", "acme", "--email", "hr@acme.se", "--url", "https://acme.samtal.example"]);
    assert!(ok && out.contains("https://acme.samtal.example/set-password#token="), "{out}");
    let (_, log, _) = run(&["logbook", "tail", "acme"]);
    assert!(log.contains("user.created") && !log.contains("hr@acme.se"), "{log}");

    // Demo accounts: created with the demo tenant, passwords only in a 0600 file and stdout.
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let demo_dir = tempfile::tempdir().expect("demo data");
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--create-demo-tenant", "--generate-master-key", "--site-root"])
        .arg(site.path())
        .arg("--data-dir")
        .arg(demo_dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = String::new();
    while let Some(Ok(l)) = lines.next() {
        seen.push_str(&l);
        seen.push('\n');
        if l.contains("running at") {
            break;
        }
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    assert!(seen.contains("DEMO ONLY") && seen.contains("admin@demo.example"), "{seen}");
    let file = demo_dir.path().join("demo-accounts.txt");
    let text = std::fs::read_to_string(&file).expect("demo file");
    assert!(text.contains("employee@demo.example"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
    }
}

/// Runs `samtal ARGS --data-dir DATA` with no master key in the environment.
fn samtal_keyless(data: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("SAMTAL_MASTER_KEY")
        .env_remove("SAMTAL_MASTER_KEY_FILE")
        .output()
        .expect("run samtal");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[cfg(unix)]
#[test]
fn data_directories_are_private_and_writable_ones_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let (ok, _, err) = samtal(&data, "21", &["tenant", "create", "acme", "--name", "Acme AB"]);
    assert!(ok, "{err}");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("tenants")), 0o700);
    for f in ["catalog.db", "tenants/acme.db"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    // A data directory from before: readable by all. The next command narrows it.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(data.join("catalog.db"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (ok, _, err) = samtal(&data, "21", &["tenant", "list"]);
    assert!(ok, "{err}");
    assert_eq!((mode(&data), mode(&data.join("catalog.db"))), (0o700, 0o600));
    // One that others can write into is refused before anything is read.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let (ok, _, err) = samtal(&data, "21", &["tenant", "list"]);
    assert!(!ok && err.contains("can be written by other users"), "{err}");
}

#[test]
fn a_development_key_in_the_data_directory_is_used_only_when_asked_for() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    app::core::keys::MasterKey::generate_file(&data.join("master.key")).expect("dev key");
    let (ok, err) = samtal_keyless(&data, &["tenant", "create", "acme", "--name", "Acme AB"]);
    assert!(!ok && err.contains("--dev-master-key"), "the development key was used silently: {err}");
    assert!(!data.join("tenants").exists());
    let (ok, err) = samtal_keyless(&data, &["tenant", "create", "acme", "--name", "Acme AB", "--dev-master-key"]);
    assert!(ok, "{err}");
    // A real key given while a development key lies around: used, and the stray key is named.
    let (ok, _, err) = samtal(&data, "17", &["tenant", "list"]);
    assert!(ok && err.contains("holds a development master key"), "{err}");
}

#[test]
fn keys_cli_rotates_rewraps_and_moves_every_tenant_to_a_new_master_key() {
    let data = tempfile::tempdir().expect("tempdir");
    let old = |args: &[&str]| samtal(data.path(), "51", args);
    assert!(old(&["tenant", "create", "acme", "--name", "Acme AB"]).0);
    let (ok, out, err) = old(&["keys", "list", "acme"]);
    assert!(ok && out.contains("no keys yet"), "{out}{err}");
    let (ok, out, err) = old(&["keys", "rotate", "acme"]);
    assert!(ok && out.contains("data key v1 is now current"), "{out}{err}");
    let (ok, out, _) = old(&["keys", "rotate", "acme"]);
    assert!(ok && out.contains("data key v2 is now current"), "{out}");
    let (ok, out, _) = old(&["keys", "list", "acme"]);
    assert!(ok && out.contains("v2") && out.contains("current") && out.contains("old"), "{out}");
    let (ok, out, err) = old(&["keys", "rewrap", "acme"]);
    assert!(ok, "{err}");
    assert!(out.contains("0 field(s) re-encrypted under data key v2"), "{out}");
    assert!(out.contains("data key v1 is no longer used; it is kept until 15 minutes"), "{out}");
    let (_, out, _) = old(&["keys", "list", "acme"]);
    assert!(out.contains("old") && !out.contains("retired"), "a key just replaced is not destroyed yet: {out}");

    // A key file others can read is refused; a private one is used.
    let new_key = data.path().join("new.key");
    std::fs::write(&new_key, format!("{}\n", "52".repeat(32))).expect("write key");
    let path = new_key.to_str().expect("path");
    let (ok, _, err) = old(&["keys", "rotate-master", "--new-key-file", path]);
    assert!(!ok && err.contains("chmod 600"), "{err}");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&new_key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let (ok, out, err) = old(&["keys", "rotate-master", "--new-key-file", path]);
    assert!(ok, "{err}");
    assert!(out.contains("acme: 3 key(s) rewrapped"), "data keys v1 and v2 and the pinned logbook key: {out}");
    let (ok, out, _) = old(&["keys", "rotate-master", "--new-key-file", path]);
    assert!(ok && out.contains("1 tenant(s) were already under the new master key"), "a re-run: {out}");
    // The new master key opens the tenant and its logbook chain; the old one no longer does.
    let new = |args: &[&str]| samtal(data.path(), "52", args);
    let (ok, out, err) = new(&["logbook", "verify", "acme"]);
    assert!(ok && out.contains("chain intact"), "{out}{err}");
    let (_, out, _) = new(&["logbook", "tail", "acme", "--action", "keys.master.rotated"]);
    assert!(out.contains("keys.master.rotated"), "{out}");
    let (ok, _, err) = new(&["keys", "rotate", "acme"]);
    assert!(ok, "{err}");
    let (ok, _, _) = old(&["keys", "rotate", "acme"]);
    assert!(!ok, "the old master key still opened the tenant's keys");
}

/// The ledger outlives a restore: a tenant file copied back from before an erasure gets the
/// person back, and `samtal gdpr replay-erasures` erases them again (once). The receipt checks
/// out with `verify-receipt` and a changed one does not; `was-erased` reads the number from
/// standard input and answers from the ledger.
#[test]
fn an_old_tenant_file_copied_back_loses_the_erased_person_again() {
    use app::core::{
        clock::SystemClock,
        gdpr,
        keys::MasterKey,
        logbook::{Actor, Origin},
        people::{self, employment::EmploymentInput, org, NewPerson},
        tenancy::{Tenancy, TenancyConfig},
    };
    use app::model::{personnummer::Personnummer, slug::Slug};
    let data = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| samtal(data.path(), "5a", args);
    assert!(run(&["tenant", "create", "acme", "--name", "Acme AB"]).0);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let key = std::sync::Arc::new(MasterKey::from_hex(&"5a".repeat(32)).expect("key"));
    let slug = Slug::parse("acme").expect("slug");
    let today = app::model::personnummer::Day { year: 2026, month: 12, day: 4 };
    let anna = Personnummer::parse("19850623-4320", today).expect("pnr");
    let file = data.path().join("tenants").join("acme.db");
    let spare = tempfile::tempdir().expect("tempdir");
    let backup = spare.path().join("acme-before.db");
    let open = || async {
        let tenancy = Tenancy::open(TenancyConfig::new(data.path(), key.clone())).await.expect("tenancy");
        let t = tenancy.open_active(&slug).await.expect("tenant");
        (tenancy, t)
    };
    let close = |tenancy: std::sync::Arc<Tenancy>, t: app::core::tenancy::Tenant| async move {
        t.db().close().await;
        tenancy.pools().close_all().await;
        tenancy.catalog().db().close().await;
    };
    let id = rt.block_on(async {
        let (tenancy, t) = open().await;
        let new = NewPerson {
            personnummer: anna.clone(),
            given_name: "Anna".into(),
            family_name: "Ek".into(),
            email: None,
            gender: None,
            employee_number: None,
        };
        let id = people::create(&t, &SystemClock, Actor::System, &new).await.expect("create");
        let unit = org::create(&t, &SystemClock, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
        let job = EmploymentInput {
            unit_id: unit,
            job_title: "Säljare".into(),
            manager_person_id: None,
            start_date: "2020-01-01".into(),
            end_date: None,
            rate_bp: 10_000,
            monthly_salary_ore: 4_000_000,
        };
        people::employment::add(&t, &SystemClock, Actor::System, Origin::default(), &id, &job).await.expect("job");
        close(tenancy, t).await;
        id
    });
    // The "backup": the closed file as it is now.
    assert!(!data.path().join("tenants").join("acme.db-wal").exists(), "the file is whole when closed");
    std::fs::copy(&file, &backup).expect("backup");
    let receipt = rt.block_on(async {
        let (tenancy, t) = open().await;
        let r = gdpr::erase(&t, tenancy.catalog(), &SystemClock, Actor::System, Origin::default(), &id, &anna)
            .await
            .expect("erase");
        close(tenancy, t).await;
        r
    });
    let (ok, out, err) = run(&["gdpr", "replay-erasures", "acme"]);
    assert!(ok && out.contains("1 erasure(s) in the ledger; 0 person(s) erased again"), "{out}{err}");
    // The restore.
    for side in ["acme.db-wal", "acme.db-shm"] {
        let _ = std::fs::remove_file(data.path().join("tenants").join(side));
    }
    std::fs::copy(&backup, &file).expect("restore");
    let found = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let (tenancy, t) = open().await;
            let found = people::find_by_personnummer(&t, &SystemClock, &anna).await.expect("find");
            close(tenancy, t).await;
            found
        })
    };
    assert_eq!(found(&rt).as_deref(), Some(id.as_str()), "the restore brought her back");
    let (ok, out, err) = run(&["gdpr", "replay-erasures", "acme"]);
    assert!(ok && out.contains("1 person(s) erased again"), "{out}{err}");
    assert_eq!(found(&rt), None, "erased again");
    let (ok, out, _) = run(&["gdpr", "replay-erasures", "acme"]);
    assert!(ok && out.contains("0 person(s) erased again"), "{out}");
    let (ok, out, err) = run(&["logbook", "verify", "acme"]);
    assert!(ok, "{out}{err}");
    // The receipt, as handed out, and a changed copy.
    let path = spare.path().join("receipt.json");
    std::fs::write(&path, receipt.to_json()).expect("write");
    let (ok, out, err) = run(&["gdpr", "verify-receipt", "acme", path.to_str().expect("path")]);
    assert!(ok && out.contains("is genuine"), "{out}{err}");
    std::fs::write(&path, receipt.to_json().replace("\"system\"", "\"user:someone\"")).expect("write");
    let (ok, _, err) = run(&["gdpr", "verify-receipt", "acme", path.to_str().expect("path")]);
    assert!(!ok && err.contains("not an erasure receipt"), "{err}");
    // Was she erased? The number goes in on standard input.
    let was_erased = |number: &str| {
        let mut child = Command::new(BIN)
            .args(["gdpr", "was-erased", "acme", "--data-dir"])
            .arg(data.path())
            .env("SAMTAL_MASTER_KEY", "5a".repeat(32))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), number.as_bytes()).expect("write");
        let out = child.wait_with_output().expect("wait");
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (ok, out) = was_erased("19850623-4320\n");
    assert!(ok && out.contains(&format!("(receipt {})", receipt.id)), "{out}");
    let (ok, out) = was_erased("19640823-3234\n");
    assert!(ok && out.contains("no erasure recorded"), "{out}");
    let (ok, _) = was_erased("19640823-3235\n");
    assert!(!ok, "a bad check digit is refused");
    // The records of processing: categories with counts, retention, keys by version only.
    let (ok, out, err) = run(&["gdpr", "report", "acme"]);
    assert!(ok, "{err}");
    for line in [
        "Persons in the register: 0",
        "employment",
        "24 months after their last employment",
        "erasure ledger",
        "data v1: current",
    ] {
        assert!(out.contains(line), "{line:?} missing: {out}");
    }
    assert!(!out.contains("Anna") && !out.contains("19850623") && !out.contains(&"5a".repeat(8)), "{out}");
}
