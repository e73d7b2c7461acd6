-- The instantiation edges of the graph: from the caller of each call that has a candidate set
-- to each target of that set marked `via = 'instantiation'` (docs/linker.md#instantiations):
-- the impl, closure or coroutine an instantiation of a generic caller selects. They are exact
-- edges, stored in the candidate sets; reach_edges_exact.sql follows them. Materialised once
-- as `instance_edges`, like candidate_edges.
SELECT DISTINCT
       coalesce(c.caller_crate_id, CAST(0 AS UBIGINT)) AS caller_crate_id,
       coalesce(c.caller_hash, CAST(0 AS UBIGINT)) AS caller_hash,
       coalesce(c.caller_id_text, '') AS caller_id_text,
       coalesce(t.callee_crate_id, CAST(0 AS UBIGINT)) AS callee_crate_id,
       coalesce(t.callee_hash, CAST(0 AS UBIGINT)) AS callee_hash,
       coalesce(t.callee_id_text, '') AS callee_id_text
FROM call_candidates cc
JOIN calls c ON c.unit = cc.unit AND c.call_index = cc.call_index
JOIN candidate_targets t ON t."set" = cc."set"
WHERE t.via = 'instantiation';
