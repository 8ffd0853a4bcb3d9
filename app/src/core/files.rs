//! The data directory holds password hashes, sessions and the logbook: only the server's own user
//! may read it. Directories are made 0700 and files 0600 whatever the umask, and a data directory
//! that other users could write into (and so swap files in) is refused.
use std::{io, path::Path};

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("the data directory {0} can be written by other users; run: chmod 700 {0} (or choose another --data-dir)")]
    WritableByOthers(String),
    #[error("{0} belongs to another user; the data directory must be the server's own")]
    OtherOwner(String),
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> FilesError + '_ {
    move |source| FilesError::Io { path: path.display().to_string(), source }
}

/// Creates `dir` (and missing parents) with mode 0700.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates an empty file with mode 0600; `create_new` refuses one that exists (someone's data).
/// SQLite gives its `-wal` and `-shm` files the database file's mode, so they are 0600 too.
pub fn private_file(path: &Path, create_new: bool) -> io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    if create_new {
        o.create_new(true);
    } else {
        o.create(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map(drop)
}

/// Prepares the data directory at start-up: creates it 0700 when missing; refuses it when group
/// or others may write into it; otherwise takes read access away from others on it and on every
/// file under it (data directories from before this rule). Returns how many modes it narrowed.
pub fn secure_data_dir(dir: &Path) -> Result<usize, FilesError> {
    private_dir(dir).map_err(io_err(dir))?;
    // A symlinked data directory (/var/lib/samtal -> /srv/...) is checked where it points.
    let dir = &std::fs::canonicalize(dir).map_err(io_err(dir))?;
    #[cfg(unix)]
    {
        refuse_shared(dir)?;
        narrow(dir, 0o700)
    }
    #[cfg(not(unix))]
    Ok(0)
}

/// Refuses the directory, or any directory under it, when group or others may write into it or
/// another user owns it: files there may already have been swapped.
#[cfg(unix)]
fn refuse_shared(dir: &Path) -> Result<(), FilesError> {
    #[cfg(target_os = "linux")]
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(dir).map_err(io_err(dir))?;
    if !meta.is_dir() {
        return Ok(());
    }
    if meta.permissions().mode() & 0o022 != 0 {
        return Err(FilesError::WritableByOthers(dir.display().to_string()));
    }
    #[cfg(target_os = "linux")]
    {
        let me = rustix::process::geteuid().as_raw();
        // root may run a server on a directory it made for a service user; anyone else owns theirs.
        if me != 0 && meta.uid() != me {
            return Err(FilesError::OtherOwner(dir.display().to_string()));
        }
    }
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        if entry.file_type().map_err(io_err(&entry.path()))?.is_dir() {
            refuse_shared(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn narrow(path: &Path, want: u32) -> Result<usize, FilesError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path).map_err(io_err(path))?;
    if meta.file_type().is_symlink() {
        return Ok(0);
    }
    let mut narrowed = 0;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & want)).map_err(io_err(path))?;
        narrowed += 1;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(io_err(path))? {
            let entry = entry.map_err(io_err(path))?;
            let child = entry.path();
            let is_dir = entry.file_type().map_err(io_err(&child))?.is_dir();
            narrowed += narrow(&child, if is_dir { 0o700 } else { 0o600 })?;
        }
    }
    Ok(narrowed)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn old_data_directories_are_narrowed_and_writable_ones_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        let data = tmp.path().join("data");
        secure_data_dir(&data).expect("create");
        assert_eq!(mode(&data), 0o700);
        std::fs::create_dir(data.join("tenants")).expect("mkdir");
        std::fs::write(data.join("tenants/acme.db"), b"x").expect("write");
        std::fs::set_permissions(data.join("tenants"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(data.join("tenants/acme.db"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert_eq!(secure_data_dir(&data).expect("narrow"), 3);
        assert_eq!((mode(&data), mode(&data.join("tenants"))), (0o700, 0o700));
        assert_eq!(mode(&data.join("tenants/acme.db")), 0o600);
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        assert!(matches!(secure_data_dir(&data), Err(FilesError::WritableByOthers(_))));
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o770)).expect("chmod");
        assert!(matches!(secure_data_dir(&data), Err(FilesError::WritableByOthers(_))), "group-writable");
        // A writable folder inside is refused too, and a symlinked data directory is followed.
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        std::fs::set_permissions(data.join("tenants"), std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&data, &link).expect("symlink");
        assert!(matches!(secure_data_dir(&link), Err(FilesError::WritableByOthers(_))), "inner folder");
    }
}
