-- After a level of the shortest-path search: its nodes join the seen set and become the
-- frontier. The search ends when a level finds nothing (path_count.sql).
INSERT INTO path_seen SELECT * FROM path_next;
DROP TABLE path_frontier;
CREATE TABLE path_frontier AS SELECT * FROM path_next;
DROP TABLE path_next;
