-- The path a node is printed as: its `functions` row, else its `external_functions` row, else
-- the path a call to it gives ($1, $2, $3: the node's crate_id, hash and id_text as keyed in
-- reach_edges_exact.sql). The first source that has one wins; within a source the smallest.
SELECT path FROM (
    SELECT 0 AS source, min(path) AS path FROM functions
    WHERE coalesce(crate_id, CAST(0 AS UBIGINT)) = $1 AND coalesce(hash, CAST(0 AS UBIGINT)) = $2 AND coalesce(id_text, '') = $3
    UNION ALL
    SELECT 1, min(path) FROM external_functions
    WHERE coalesce(crate_id, CAST(0 AS UBIGINT)) = $1 AND coalesce(hash, CAST(0 AS UBIGINT)) = $2 AND coalesce(id_text, '') = $3
    UNION ALL
    SELECT 2, min(callee_path) FROM calls
    WHERE coalesce(callee_crate_id, CAST(0 AS UBIGINT)) = $1 AND coalesce(callee_hash, CAST(0 AS UBIGINT)) = $2
      AND coalesce(callee_id_text, '') = $3
) AS found
WHERE path IS NOT NULL
ORDER BY source
LIMIT 1;
