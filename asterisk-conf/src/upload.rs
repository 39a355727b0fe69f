//! What an administrator uploads: one configuration file, or an archive of the configuration directory
//! (`zip -r asterisk.zip /etc/asterisk`, `tar czf asterisk.tar.gz -C /etc asterisk`). An archive's
//! files keep their paths, less the folders every one of them is in (`etc/asterisk/`), so that
//! `#include "pjsip.d/phones.conf"` finds `etc/asterisk/pjsip.d/phones.conf`.
//!
//! An archive is read within limits ([`MAX_UNPACKED_BYTES`], [`MAX_FILES`]), so a small file that
//! unpacks to gigabytes is refused, not unpacked.

use std::io::Read;

use crate::Files;

/// The most that the files of one upload may hold, unpacked.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// The most files one archive may hold.
pub const MAX_FILES: usize = 2000;

/// Why an upload cannot be read.
// Each variant's `#[error]` message is its documentation (it is what the person is told).
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error(
        "the files unpack to more than {} MB; upload the configuration files only (pjsip.conf, pjsip_wizard.conf and what they include)",
        MAX_UNPACKED_BYTES / 1024 / 1024
    )]
    TooLarge,
    #[error("the archive holds more than {MAX_FILES} files; upload the configuration files only")]
    TooManyFiles,
    #[error("'{name}' cannot be read as a {kind} archive: {why}")]
    Broken {
        name: String,
        kind: &'static str,
        why: String,
    },
}

impl Files {
    /// The files of an upload named `name`: a zip or tar.gz archive (told by its first bytes, not its
    /// name), or else one file under `name`.
    pub fn from_upload(name: &str, bytes: &[u8]) -> Result<Files, UploadError> {
        let mut entries = if bytes.starts_with(b"PK\x03\x04") {
            unzip(name, bytes)?
        } else if bytes.starts_with(&[0x1f, 0x8b]) {
            untar(name, bytes)?
        } else {
            if bytes.len() as u64 > MAX_UNPACKED_BYTES {
                return Err(UploadError::TooLarge);
            }
            vec![(name.to_string(), bytes.to_vec())]
        };
        strip_common_folders(&mut entries);
        let mut files = Files::new();
        for (n, b) in entries {
            files.add(&n, &b);
        }
        Ok(files)
    }
}

/// Reads one archive entry, counting it against what may still be unpacked: `None` when it holds more
/// (reading stops one byte past what is left).
fn take(reader: impl Read, left: &mut u64) -> Result<Option<Vec<u8>>, std::io::Error> {
    let mut out = Vec::new();
    reader.take(*left + 1).read_to_end(&mut out)?;
    if out.len() as u64 > *left {
        return Ok(None);
    }
    *left -= out.len() as u64;
    Ok(Some(out))
}

fn unzip(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, UploadError> {
    let broken = |why: String| UploadError::Broken {
        name: name.to_string(),
        kind: "zip",
        why,
    };
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    if archive.len() > MAX_FILES {
        return Err(UploadError::TooManyFiles);
    }
    let mut left = MAX_UNPACKED_BYTES;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| broken(e.to_string()))?;
        if !entry.is_file() {
            continue;
        }
        let path = entry.name().to_string();
        let data = take(entry, &mut left)
            .map_err(|e| broken(e.to_string()))?
            .ok_or(UploadError::TooLarge)?;
        out.push((path, data));
    }
    Ok(out)
}

fn untar(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, UploadError> {
    let broken = |why: String| UploadError::Broken {
        name: name.to_string(),
        kind: "tar.gz",
        why,
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut left = MAX_UNPACKED_BYTES;
    let mut out = Vec::new();
    for entry in archive.entries().map_err(|e| broken(e.to_string()))? {
        let entry = entry.map_err(|e| broken(e.to_string()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        if out.len() == MAX_FILES {
            return Err(UploadError::TooManyFiles);
        }
        let path = entry
            .path()
            .map_err(|e| broken(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        let data = take(entry, &mut left)
            .map_err(|e| broken(e.to_string()))?
            .ok_or(UploadError::TooLarge)?;
        out.push((path, data));
    }
    Ok(out)
}

/// Takes off the leading `./` and `/`, then the folders that every file is in.
fn strip_common_folders(entries: &mut [(String, Vec<u8>)]) {
    for (n, _) in entries.iter_mut() {
        let trimmed = n
            .trim_start_matches("./")
            .trim_start_matches('/')
            .to_string();
        *n = trimmed;
    }
    loop {
        let Some(first) = entries.first().and_then(|(n, _)| n.split_once('/')) else {
            return;
        };
        let folder = format!("{}/", first.0);
        if !entries.iter().all(|(n, _)| n.starts_with(&folder)) {
            return;
        }
        for (n, _) in entries.iter_mut() {
            *n = n[folder.len()..].to_string();
        }
    }
}
