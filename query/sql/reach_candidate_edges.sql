-- The candidate edges of the graph: from the caller of each call that has a candidate set
-- (`call_candidates`) to each target of that set (`candidate_targets`), deduplicated.
-- The engine writes this result once to a scratch Parquet file and registers it as
-- `candidate_edges` (with DuckDB: CREATE TABLE candidate_edges AS <this query>), so that the
-- reach loop does not redo the three-way join at every step.
SELECT DISTINCT
       coalesce(c.caller_crate_id, CAST(0 AS UBIGINT)) AS caller_crate_id,
       coalesce(c.caller_hash, CAST(0 AS UBIGINT)) AS caller_hash,
       coalesce(c.caller_id_text, '') AS caller_id_text,
       coalesce(t.callee_crate_id, CAST(0 AS UBIGINT)) AS callee_crate_id,
       coalesce(t.callee_hash, CAST(0 AS UBIGINT)) AS callee_hash,
       coalesce(t.callee_id_text, '') AS callee_id_text
FROM call_candidates cc
JOIN calls c ON c.unit = cc.unit AND c.call_index = cc.call_index
JOIN candidate_targets t ON t."set" = cc."set";
