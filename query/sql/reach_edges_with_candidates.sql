-- The edges reachability follows with candidates: the exact edges of reach_edges_exact.sql and
-- the candidate edges of reach_candidate_edges.sql (materialised as `candidate_edges`).
CREATE OR REPLACE VIEW reach_edges AS
SELECT coalesce(caller_crate_id, CAST(0 AS UBIGINT)) AS caller_crate_id,
       coalesce(caller_hash, CAST(0 AS UBIGINT)) AS caller_hash,
       coalesce(caller_id_text, '') AS caller_id_text,
       coalesce(callee_crate_id, CAST(0 AS UBIGINT)) AS callee_crate_id,
       coalesce(callee_hash, CAST(0 AS UBIGINT)) AS callee_hash,
       coalesce(callee_id_text, '') AS callee_id_text
FROM calls
WHERE callee_crate_id IS NOT NULL OR callee_id_text IS NOT NULL
UNION ALL
SELECT caller_crate_id, caller_hash, caller_id_text, callee_crate_id, callee_hash, callee_id_text
FROM candidate_edges;
