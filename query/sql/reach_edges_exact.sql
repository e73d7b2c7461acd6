-- The edges reachability follows: every call with a callee id (a dyn or generic call leads to
-- the trait method it names), caller -> callee, and the instantiation edges
-- (reach_instance_edges.sql, materialised as `instance_edges`). Candidate targets are not
-- followed.
--
-- A node is keyed by three non-null columns: the id's two integers, and its text when the id is
-- not in the canonical form (then the integers are 0); canonical ids have id_text ''. Every
-- join of the reach and path queries compares all three, so both kinds of id work with plain
-- equi-joins. `CAST(0 AS UBIGINT)` keeps the integers UInt64 (a bare 0 would make DataFusion
-- widen them to a decimal); painter-engine reads UBIGINT, DuckDB's name, as BIGINT UNSIGNED.
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
FROM instance_edges;
