//! Conjure's data directory holds password hashes, token hashes and the audit log: only the user Conjure
//! runs as may read it. The directory is `0700` and its files `0600`, whatever the umask.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Conjure's data directory: its owner only.
pub const DIR_MODE: u32 = 0o700;
/// Conjure's files (the database, the key): its owner only.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` as `0700`, or takes an existing one away from the group and others (saying so).
pub fn dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    tighten(dir, DIR_MODE)
}

/// Creates `file` as `0600` if it is missing, or tightens an existing one. SQLite gives its `-wal` and
/// `-shm` files the mode of the database file, so this covers them too.
pub fn file(file: &Path) -> io::Result<()> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .open(file)?;
    tighten(file, FILE_MODE)
}

fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    let now = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if now & !mode != 0 {
        tracing::warn!(
            path = %path.display(),
            was = format!("{now:o}"),
            now = format!("{mode:o}"),
            "others could read Conjure's data; its permissions were tightened"
        );
        std::fs::set_permissions(path, Permissions::from_mode(mode))?;
    }
    Ok(())
}
