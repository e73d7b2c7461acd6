-- The link's `crate_ids` table computed from per-unit facts (painter_linker::resolve's
-- `stable_id_index`): which unit a callee id's crate part names. Output columns are those of
-- `crate_ids/graph.parquet`: stable_id, crate_id (null when not 16 hex digits), unit.
--
-- Rows: every unit's own stable id (a clash goes to the smallest key, as the linker's key-order
-- `or_insert` does), then the crate part of every function id that no unit claims as its own
-- (copies of one package merged under one key bring their own stable ids; the smallest key that
-- defines such a function wins). Like the dataset writer, a function prefix is kept only when
-- some call's callee uses it, so the table holds exactly the prefixes calls resolve through.
-- Ids are the integer columns; an id of another shape (`id_text`) contributes the text before
-- its first `:`.
WITH own AS (
    SELECT stable_id, min(crate_id) AS crate_id, min(key) AS unit
    FROM units
    GROUP BY stable_id
),
function_prefixes AS (
    SELECT lpad(lower(to_hex(crate_id)), 16, '0') AS stable_id, crate_id, unit
    FROM (SELECT crate_id, min(unit) AS unit FROM functions
          WHERE crate_id IS NOT NULL GROUP BY crate_id) AS by_id
    UNION ALL
    SELECT split_part(id_text, ':', 1) AS stable_id, NULL AS crate_id, min(unit) AS unit
    FROM functions WHERE id_text IS NOT NULL
    GROUP BY split_part(id_text, ':', 1)
),
callee_prefixes AS (
    SELECT DISTINCT callee_crate_id AS crate_id, NULL AS stable_id
    FROM calls WHERE callee_crate_id IS NOT NULL
    UNION ALL
    SELECT DISTINCT NULL AS crate_id, split_part(callee_id_text, ':', 1) AS stable_id
    FROM calls WHERE callee_id_text IS NOT NULL
),
borrowed AS (
    SELECT p.stable_id, min(p.crate_id) AS crate_id, min(p.unit) AS unit
    FROM function_prefixes p
    WHERE p.stable_id NOT IN (SELECT stable_id FROM own)
      AND (p.crate_id IN (SELECT crate_id FROM callee_prefixes WHERE crate_id IS NOT NULL)
           OR p.stable_id IN (SELECT stable_id FROM callee_prefixes WHERE stable_id IS NOT NULL))
    GROUP BY p.stable_id
)
SELECT stable_id, crate_id, unit FROM own
UNION ALL
SELECT stable_id, crate_id, unit FROM borrowed
ORDER BY stable_id;
