INSERT INTO seen SELECT id FROM next_frontier
