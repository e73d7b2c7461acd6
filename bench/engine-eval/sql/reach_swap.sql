DROP TABLE frontier;
CREATE TABLE frontier AS SELECT id FROM next_frontier;
DROP TABLE next_frontier
