-- The link's `external_functions` table computed from per-unit facts (painter_linker::resolve's
-- `resolve_calls`): one row per callee id whose crate part names no unit of `crate_ids`, with
-- the smallest (path, crate) any call gives it, so the answer does not depend on call order.
-- Output columns are those of `external_functions/graph.parquet`, ordered by id as the linker
-- sorts them: by the id text.
--
-- Duplicates go first (DISTINCT), so the window only ranks the few spellings of each id.
WITH outside AS (
    SELECT DISTINCT c.callee_crate_id AS crate_id, c.callee_hash AS hash,
           c.callee_id_text AS id_text, c.callee_path AS path, c.callee_crate AS krate
    FROM calls c
    WHERE c.callee_crate_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM crate_ids k WHERE k.crate_id = c.callee_crate_id)
    UNION ALL
    SELECT DISTINCT c.callee_crate_id, c.callee_hash, c.callee_id_text, c.callee_path, c.callee_crate
    FROM calls c
    WHERE c.callee_id_text IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM crate_ids k
                      WHERE k.stable_id = split_part(c.callee_id_text, ':', 1))
),
ranked AS (
    SELECT crate_id, hash, id_text, path, krate,
           row_number() OVER (PARTITION BY crate_id, hash, id_text ORDER BY path, krate) AS pick
    FROM outside
)
SELECT crate_id, hash, id_text, path, krate
FROM ranked
WHERE pick = 1
ORDER BY coalesce(id_text, lpad(lower(to_hex(crate_id)), 16, '0') || ':' || lpad(lower(to_hex(hash)), 16, '0'));
