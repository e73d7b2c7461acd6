-- How many nodes the last reach step found; the loop ends at 0.
SELECT count(*) AS found FROM reach_next;
