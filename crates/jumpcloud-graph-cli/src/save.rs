//! `--org FILE --save`: writing the sandbox's orgs back to FILE after a
//! command changed them, so that the next run starts where this one left
//! off and a complete revoke can be explored one run at a time.
//!
//! FILE must be a regular file (checked before anything runs, so that no
//! write is made that cannot be kept); a symbolic link is followed, so the
//! link stays and its target is replaced. The new text goes to a temporary
//! file beside the target, with the target's permissions, is flushed to
//! disk, and is then renamed over the target: a reader sees the old file or
//! the new one, never half of one, and a failure leaves the old file as it
//! was. Two runs saving the same file at once: the last rename wins.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jumpcloud_graph_sandbox::Fixture;

use crate::error::CliError;

/// The file `--save` writes, resolved.
#[derive(Debug)]
pub struct SaveTo {
    /// The file as given, for messages.
    given: PathBuf,
    /// The regular file it resolves to.
    target: PathBuf,
}

impl SaveTo {
    /// The file `--org FILE` names, which `--save` will replace: it must
    /// resolve to a regular file (not a pipe, a device or a directory).
    pub fn check(given: &Path) -> Result<Self, CliError> {
        let refuse = |why: String| {
            CliError::Usage(format!(
                "--save writes the org back to --org's file, and {} {why}",
                given.display()
            ))
        };
        let target =
            fs::canonicalize(given).map_err(|e| refuse(format!("cannot be found: {e}")))?;
        let meta = fs::metadata(&target).map_err(|e| refuse(format!("cannot be read: {e}")))?;
        if !meta.is_file() {
            return Err(refuse("is not a regular file".to_string()));
        }
        Ok(SaveTo {
            given: given.to_owned(),
            target,
        })
    }

    /// The file as the user gave it.
    pub fn shown(&self) -> String {
        self.given.display().to_string()
    }

    /// Replaces the file with `fixture`'s YAML, atomically.
    pub fn write(&self, fixture: &Fixture) -> Result<(), CliError> {
        let failed = |why: String| {
            CliError::Failed(format!("cannot save the org to {}: {why}", self.shown()))
        };
        let yaml = fixture
            .to_yaml()
            .map_err(|e| failed(crate::error::with_causes(&e)))?;
        let temporary = self.temporary();
        let written = write_synced(&temporary, yaml.as_bytes(), &self.target)
            .and_then(|()| fs::rename(&temporary, &self.target));
        if let Err(error) = written {
            let _ = fs::remove_file(&temporary);
            return Err(failed(error.to_string()));
        }
        // The rename is durable once the directory is on disk too; where
        // directories cannot be opened, the rename alone has to do.
        if let Some(dir) = self.target.parent()
            && let Ok(dir) = fs::File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// `.<name>.jcgraph-<pid>.tmp` beside the target.
    fn temporary(&self) -> PathBuf {
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.target
            .with_file_name(format!(".{name}.jcgraph-{}.tmp", std::process::id()))
    }
}

/// Writes `bytes` to a new file at `path` with `like`'s permissions, and
/// flushes it to disk. A file left at `path` (by a run that died) is
/// removed first, never written through: it could be a link elsewhere.
fn write_synced(path: &Path, bytes: &[u8], like: &Path) -> std::io::Result<()> {
    let create = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut file = match create() {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            create()?
        }
        other => other?,
    };
    file.write_all(bytes)?;
    if let Ok(meta) = fs::metadata(like) {
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()
}
