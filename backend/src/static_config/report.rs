//! `conjure check-config`: the files given on the command line read as an upload would be, and what
//! was found said in lines an administrator reads: objects ready, refused (with file:line), staying in
//! the files, lines Asterisk skips.

use std::path::Path;

use asterisk_conf::Files;

use super::{Found, Outcome};

/// The files of `paths`: a folder (every file below it, by its path inside), an archive, or a file
/// (by its name). Says which path could not be read, and why.
pub fn load(paths: &[impl AsRef<Path>]) -> Result<Files, String> {
    let mut files = Files::new();
    for p in paths {
        let p = p.as_ref();
        if p.is_dir() {
            folder(p, p, &mut files)?;
        } else {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            files.absorb(
                Files::from_upload(&name, &bytes).map_err(|e| format!("{}: {e}", p.display()))?,
            );
        }
    }
    Ok(files)
}

fn folder(root: &Path, dir: &Path, files: &mut Files) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            folder(root, &path, files)?;
        } else if path.extension().is_some_and(|x| x == "conf") {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            files.add(&name, &bytes);
        }
    }
    Ok(())
}

/// What was found, as lines to print, and whether anything was refused.
pub fn lines(found: &Found) -> (Vec<String>, bool) {
    let refused = found.objects.len() - found.ready();
    let mut out = vec![format!(
        "{} objects push configuration can hold, {refused} refused, {} things stay in the files, {} lines Asterisk skips",
        found.ready(),
        found.staying.len(),
        found.skipped.len()
    )];
    for o in &found.objects {
        match &o.outcome {
            Outcome::Ready(warnings) => {
                out.push(format!("ready     {} {} ({})", o.ty, o.id, o.at));
                out.extend(warnings.iter().map(|w| format!("  note    {w}")));
            }
            Outcome::Refused(why) => {
                out.push(format!("REFUSED   {} {} ({})", o.ty, o.id, o.at));
                out.extend(why.iter().map(|(at, w)| format!("  {at}: {w}")));
            }
        }
    }
    out.extend(
        found
            .staying
            .iter()
            .map(|s| format!("stays     {}: {}", s.at, s.why)),
    );
    out.extend(
        found
            .skipped
            .iter()
            .map(|s| format!("skipped   {}: {}", s.at, s.why)),
    );
    (out, refused > 0)
}
