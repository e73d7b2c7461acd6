-- One step of the reachability loop: the callers of the frontier not seen before.
-- DISTINCT comes first and the anti-join after, so the anti-join's hash table is built on
-- deduplicated rows; the join of `reach_edges` (the large side, streamed) is against the
-- frontier, which stays small. Every frontier node has the same level, so DISTINCT over
-- (node, level) is DISTINCT over nodes.
CREATE TABLE reach_next AS
SELECT x.crate_id, x.hash, x.id_text, x.level
FROM (SELECT DISTINCT e.caller_crate_id AS crate_id, e.caller_hash AS hash,
             e.caller_id_text AS id_text, f.level + 1 AS level
      FROM reach_edges e
      JOIN reach_frontier f
        ON e.callee_crate_id = f.crate_id AND e.callee_hash = f.hash
       AND e.callee_id_text = f.id_text) AS x
WHERE NOT EXISTS (SELECT 1 FROM reach_seen s
                  WHERE s.crate_id = x.crate_id AND s.hash = x.hash AND s.id_text = x.id_text);
