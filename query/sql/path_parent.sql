-- Walking a shortest path back: the parent and level of one node of `path_seen` ($1, $2, $3:
-- the node's crate_id, hash and id_text as keyed in reach_edges_exact.sql).
SELECT parent_crate_id, parent_hash, parent_id_text, level
FROM path_seen
WHERE crate_id = $1 AND hash = $2 AND id_text = $3;
