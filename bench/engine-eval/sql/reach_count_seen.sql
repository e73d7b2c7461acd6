SELECT count(*) AS n FROM seen
