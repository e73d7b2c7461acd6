SELECT count(*) AS n FROM next_frontier
