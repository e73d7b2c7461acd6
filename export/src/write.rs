//! Every export is written through [`painter_schema::atomic`]; this only names the output in
//! the error.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use painter_schema::atomic::{self, Temp};

use crate::ExportError;

/// Create `path`'s directory, run `body` on a buffered temp file, rename it over `path`.
pub fn write_atomically(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    atomic::write_atomic(path, Temp::PerProcess, body).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })
}
