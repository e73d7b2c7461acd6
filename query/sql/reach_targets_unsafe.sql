-- Reachability target "unsafe": every function with at least one unsafe operation in its body
-- (a row of `unsafe_ops`), keyed as in reach_edges_exact.sql.
CREATE OR REPLACE VIEW reach_targets AS
SELECT DISTINCT coalesce(function_crate_id, CAST(0 AS UBIGINT)) AS crate_id,
       coalesce(function_hash, CAST(0 AS UBIGINT)) AS hash,
       coalesce(function_id_text, '') AS id_text
FROM unsafe_ops;
