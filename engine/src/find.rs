//! Functions named by a user (a path or its tail) turned into the ids the other queries take
//! (`find_functions.sql`).

use datafusion::common::ScalarValue;

use crate::columns::{strings, u64s};
use crate::reach::PathStep;
use crate::{Engine, EngineError};

impl Engine {
    /// The functions whose path is `pattern` or ends with `::pattern`, by path then id (at
    /// most 50), each with its id in the dataset's text form.
    pub fn find_functions(&self, pattern: &str) -> Result<Vec<PathStep>, EngineError> {
        let q = "find_functions";
        let text = crate::sql::text(q).ok_or_else(|| EngineError::UnknownQuery(q.to_owned()))?;
        let rows = self.run_sql_with(q, text, &[ScalarValue::Utf8(Some(pattern.to_owned()))])?;
        let (krates, hashes) = (u64s(q, &rows, "crate_id")?, u64s(q, &rows, "hash")?);
        let (texts, paths) = (strings(q, &rows, "id_text")?, strings(q, &rows, "path")?);
        Ok((0..paths.len())
            .map(|i| PathStep {
                id: match (krates[i], hashes[i], &texts[i]) {
                    (Some(k), Some(h), _) => painter_dataset::ids::format(k, h),
                    (_, _, text) => text.clone().unwrap_or_default(),
                },
                path: paths[i].clone().unwrap_or_default(),
            })
            .collect())
    }
}
