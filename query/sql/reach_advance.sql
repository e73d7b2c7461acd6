-- After a step that found nodes: they join the seen set and become the next frontier.
INSERT INTO reach_seen SELECT crate_id, hash, id_text, level FROM reach_next;
DROP TABLE reach_frontier;
CREATE TABLE reach_frontier AS SELECT crate_id, hash, id_text, level FROM reach_next;
DROP TABLE reach_next;
