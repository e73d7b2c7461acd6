-- Whether the shortest-path search has arrived: the nodes of the last level (`path_frontier`)
-- that are targets (`reach_targets`), smallest id first; the search stops at the first level
-- that has one.
SELECT f.crate_id, f.hash, f.id_text
FROM path_frontier f
JOIN reach_targets t ON t.crate_id = f.crate_id AND t.hash = f.hash AND t.id_text = f.id_text
ORDER BY f.crate_id, f.hash, f.id_text
LIMIT 1;
