-- Start of a shortest-path search: breadth-first, forwards from the one node of the one-row
-- table `path_start` (crate_id, hash, id_text, keyed as in reach_edges_exact.sql). `path_seen`
-- holds every node found with its level (calls from the start) and its parent on a shortest
-- path (the start is its own parent); `path_frontier` the last level. Only what the start
-- reaches is ever visited, so the tables stay as small as that. Expects `reach_edges`.
DROP TABLE IF EXISTS path_seen;
DROP TABLE IF EXISTS path_frontier;
DROP TABLE IF EXISTS path_next;
CREATE TABLE path_seen AS
SELECT crate_id, hash, id_text, 0 AS level,
       crate_id AS parent_crate_id, hash AS parent_hash, id_text AS parent_id_text
FROM path_start;
CREATE TABLE path_frontier AS SELECT * FROM path_seen;
