-- How many nodes the last level of the shortest-path search found; 0 ends the search.
SELECT count(*) AS found FROM path_next;
