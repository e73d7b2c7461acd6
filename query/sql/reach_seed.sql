-- Start of the iterative reachability loop (docs/engine-choice.md: the semi-join loop, not
-- WITH RECURSIVE, whose hash tables outgrow memory at 100 M calls). `reach_seen` holds every
-- node found so far with its distance (calls to the nearest target), `reach_frontier` the
-- nodes found in the last step. Expects the views `reach_edges` and `reach_targets`.
DROP TABLE IF EXISTS reach_seen;
DROP TABLE IF EXISTS reach_frontier;
DROP TABLE IF EXISTS reach_next;
CREATE TABLE reach_seen AS
SELECT DISTINCT crate_id, hash, id_text, 0 AS level FROM reach_targets;
CREATE TABLE reach_frontier AS SELECT crate_id, hash, id_text, level FROM reach_seen;
