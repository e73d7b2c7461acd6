//! The read side of every table: typed access to a batch's columns, with an error naming the
//! file and column when one is missing, of the wrong type, or null where it may not be.

use std::path::Path;

use arrow_array::{
    Array, BooleanArray, ListArray, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use serde::de::DeserializeOwned;

use super::error::DatasetError;
use super::ids;
use painter_schema::{MacroOrigin, Span, Sym};

/// One batch of a table file, for typed column access.
pub struct Columns<'a> {
    pub batch: &'a RecordBatch,
    pub path: &'a Path,
}

impl<'a> Columns<'a> {
    pub fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    fn column<A: Array + 'static>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<&'a A, DatasetError> {
        let column =
            self.batch
                .column_by_name(name)
                .ok_or_else(|| DatasetError::MissingColumn {
                    path: self.path.to_path_buf(),
                    column: name.to_owned(),
                })?;
        column
            .as_any()
            .downcast_ref::<A>()
            .ok_or_else(|| DatasetError::ColumnType {
                path: self.path.to_path_buf(),
                column: name.to_owned(),
                found: column.data_type().to_string(),
                expected: expected.to_owned(),
            })
    }

    fn value_error(&self, column: &str, row: usize, reason: impl Into<String>) -> DatasetError {
        DatasetError::Value {
            path: self.path.to_path_buf(),
            column: column.to_owned(),
            row,
            reason: reason.into(),
        }
    }

    pub fn text(&self, name: &str) -> Result<Col<'a, StringArray>, DatasetError> {
        Ok(Col(self.column(name, "Utf8")?, name.to_owned(), self.path))
    }

    pub fn u32(&self, name: &str) -> Result<Col<'a, UInt32Array>, DatasetError> {
        Ok(Col(
            self.column(name, "UInt32")?,
            name.to_owned(),
            self.path,
        ))
    }

    pub fn u64(&self, name: &str) -> Result<Col<'a, UInt64Array>, DatasetError> {
        Ok(Col(
            self.column(name, "UInt64")?,
            name.to_owned(),
            self.path,
        ))
    }

    pub fn bool(&self, name: &str) -> Result<Col<'a, BooleanArray>, DatasetError> {
        Ok(Col(
            self.column(name, "Boolean")?,
            name.to_owned(),
            self.path,
        ))
    }

    /// A list column added after the format's first release: absent in older datasets, where
    /// every row reads as empty.
    pub fn added_list(&self, name: &str) -> Result<Option<ListCol<'a>>, DatasetError> {
        match self.batch.column_by_name(name) {
            None => Ok(None),
            Some(_) => self.list(name).map(Some),
        }
    }

    /// A nullable `Utf8` column added after the format's first release (absent: every row null).
    pub fn added_text(&self, name: &str) -> Result<Option<Col<'a, StringArray>>, DatasetError> {
        match self.batch.column_by_name(name) {
            None => Ok(None),
            Some(_) => self.text(name).map(Some),
        }
    }

    /// A `UInt32` column added after the format's first release (absent: 0).
    pub fn added_u32(&self, name: &str) -> Result<Option<Col<'a, UInt32Array>>, DatasetError> {
        match self.batch.column_by_name(name) {
            None => Ok(None),
            Some(_) => self.u32(name).map(Some),
        }
    }

    pub fn list(&self, name: &str) -> Result<ListCol<'a>, DatasetError> {
        let list: &ListArray = self.column(name, "List<Utf8>")?;
        let values = list
            .values()
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| DatasetError::ColumnType {
                path: self.path.to_path_buf(),
                column: name.to_owned(),
                found: list.data_type().to_string(),
                expected: "List<Utf8>".to_owned(),
            })?;
        Ok(ListCol { list, values })
    }

    pub fn id(&self, prefix: &str) -> Result<IdCol<'a>, DatasetError> {
        let [krate, hash, text] = ids::column_names(prefix);
        Ok(IdCol {
            krate: self.u64(&krate)?,
            hash: self.u64(&hash)?,
            text: self.text(&text)?,
        })
    }

    pub fn span(&self, prefix: &str) -> Result<SpanCol<'a>, DatasetError> {
        Ok(SpanCol {
            file: self.text(&format!("{prefix}_file"))?,
            line: self.u32(&format!("{prefix}_line"))?,
            col: self.u32(&format!("{prefix}_col"))?,
            end_line: self.u32(&format!("{prefix}_end_line"))?,
            end_col: self.u32(&format!("{prefix}_end_col"))?,
        })
    }

    pub fn macro_origin(&self) -> Result<MacroCol<'a>, DatasetError> {
        Ok(MacroCol {
            name: self.text("macro_name")?,
            krate: self.text("macro_krate")?,
            call_site: self.span("macro_call_site")?,
        })
    }

    /// A closed-vocabulary string column (kinds, status) parsed to its enum.
    pub fn parse<T: DeserializeOwned>(
        &self,
        col: &Col<'_, StringArray>,
        row: usize,
    ) -> Result<T, DatasetError> {
        let s = col.get(row)?;
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|e| self.value_error(&col.1, row, e.to_string()))
    }
}

/// One typed column, with its name and file for errors.
pub struct Col<'a, A>(&'a A, String, &'a Path);

impl<A: Array> Col<'_, A> {
    fn null_error(&self, row: usize) -> DatasetError {
        DatasetError::Value {
            path: self.2.to_path_buf(),
            column: self.1.clone(),
            row,
            reason: "null in a required column".into(),
        }
    }
}

impl<'a> Col<'a, StringArray> {
    pub fn opt(&self, row: usize) -> Option<&'a str> {
        self.0.is_valid(row).then(|| self.0.value(row))
    }
    pub fn get(&self, row: usize) -> Result<&'a str, DatasetError> {
        self.opt(row).ok_or_else(|| self.null_error(row))
    }
    pub fn string(&self, row: usize) -> Result<String, DatasetError> {
        self.get(row).map(str::to_owned)
    }
    pub fn sym(&self, row: usize) -> Result<Sym, DatasetError> {
        self.get(row).map(Sym::intern)
    }
    pub fn opt_string(&self, row: usize) -> Option<String> {
        self.opt(row).map(str::to_owned)
    }
}

macro_rules! primitive_col {
    ($array:ty, $t:ty) => {
        impl Col<'_, $array> {
            pub fn opt(&self, row: usize) -> Option<$t> {
                self.0.is_valid(row).then(|| self.0.value(row))
            }
            pub fn get(&self, row: usize) -> Result<$t, DatasetError> {
                self.opt(row).ok_or_else(|| self.null_error(row))
            }
        }
    };
}
primitive_col!(UInt32Array, u32);
primitive_col!(BooleanArray, bool);

// Only in id columns, which are nullable by design: no `get`.
impl Col<'_, UInt64Array> {
    pub fn opt(&self, row: usize) -> Option<u64> {
        self.0.is_valid(row).then(|| self.0.value(row))
    }
}

pub struct ListCol<'a> {
    list: &'a ListArray,
    values: &'a StringArray,
}

impl ListCol<'_> {
    /// The strings of one row (an empty list for a null row: both mean "none").
    pub fn get(&self, row: usize) -> Vec<String> {
        if self.list.is_null(row) {
            return Vec::new();
        }
        let offsets = self.list.value_offsets();
        (offsets[row] as usize..offsets[row + 1] as usize)
            .map(|i| self.values.value(i).to_owned())
            .collect()
    }
}

pub struct IdCol<'a> {
    krate: Col<'a, UInt64Array>,
    hash: Col<'a, UInt64Array>,
    text: Col<'a, StringArray>,
}

impl IdCol<'_> {
    pub fn opt(&self, row: usize) -> Option<String> {
        match (self.krate.opt(row), self.hash.opt(row)) {
            (Some(krate), Some(hash)) => Some(ids::format(krate, hash)),
            _ => self.text.opt_string(row),
        }
    }
    pub fn get(&self, row: usize) -> Result<String, DatasetError> {
        self.opt(row).ok_or_else(|| self.text.null_error(row))
    }
    pub fn sym(&self, row: usize) -> Result<Sym, DatasetError> {
        self.get(row).map(|s| Sym::intern(&s))
    }
    pub fn opt_sym(&self, row: usize) -> Option<Sym> {
        self.opt(row).map(|s| Sym::intern(&s))
    }
}

pub struct SpanCol<'a> {
    file: Col<'a, StringArray>,
    line: Col<'a, UInt32Array>,
    col: Col<'a, UInt32Array>,
    end_line: Col<'a, UInt32Array>,
    end_col: Col<'a, UInt32Array>,
}

impl SpanCol<'_> {
    pub fn opt(&self, row: usize) -> Result<Option<Span>, DatasetError> {
        let Some(file) = self.file.opt(row) else {
            return Ok(None);
        };
        Ok(Some(Span {
            file: Sym::intern(file),
            line: self.line.get(row)?,
            col: self.col.get(row)?,
            end_line: self.end_line.get(row)?,
            end_col: self.end_col.get(row)?,
        }))
    }
    pub fn get(&self, row: usize) -> Result<Span, DatasetError> {
        self.opt(row)?.ok_or_else(|| self.file.null_error(row))
    }
}

pub struct MacroCol<'a> {
    name: Col<'a, StringArray>,
    krate: Col<'a, StringArray>,
    call_site: SpanCol<'a>,
}

impl MacroCol<'_> {
    pub fn get(&self, row: usize) -> Result<Option<Box<MacroOrigin>>, DatasetError> {
        let Some(name) = self.name.opt(row) else {
            return Ok(None);
        };
        Ok(Some(Box::new(MacroOrigin {
            name: name.to_owned(),
            krate: self.krate.opt_string(row),
            call_site: self.call_site.get(row)?,
        })))
    }
}
