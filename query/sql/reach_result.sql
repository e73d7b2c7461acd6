-- The answer of a reach loop: every node that reaches a target, with its id in the dataset's
-- id columns (integers for a canonical id, id_text otherwise) and its distance in calls.
SELECT CASE WHEN id_text = '' THEN crate_id END AS crate_id,
       CASE WHEN id_text = '' THEN hash END AS hash,
       CASE WHEN id_text = '' THEN NULL ELSE id_text END AS id_text,
       level AS distance
FROM reach_seen;
