-- Reachability target "ffi": the FFI boundary. Foreign items (declared in an extern block) and
-- whatever an `ffi` call calls, keyed as in reach_edges_exact.sql.
CREATE OR REPLACE VIEW reach_targets AS
SELECT coalesce(crate_id, CAST(0 AS UBIGINT)) AS crate_id, coalesce(hash, CAST(0 AS UBIGINT)) AS hash,
       coalesce(id_text, '') AS id_text
FROM functions
WHERE kind IN ('foreign_fn', 'foreign_static')
UNION
SELECT coalesce(callee_crate_id, CAST(0 AS UBIGINT)), coalesce(callee_hash, CAST(0 AS UBIGINT)), coalesce(callee_id_text, '')
FROM calls
WHERE kind = 'ffi' AND (callee_crate_id IS NOT NULL OR callee_id_text IS NOT NULL);
