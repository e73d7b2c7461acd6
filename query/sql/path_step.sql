-- One level of the shortest-path search: the callees of the frontier not seen before, each
-- with one parent, the smallest caller id, so the path found does not depend on the plan.
CREATE TABLE path_next AS
SELECT crate_id, hash, id_text, level, parent_crate_id, parent_hash, parent_id_text
FROM (SELECT e.callee_crate_id AS crate_id, e.callee_hash AS hash, e.callee_id_text AS id_text,
             f.level + 1 AS level,
             e.caller_crate_id AS parent_crate_id, e.caller_hash AS parent_hash,
             e.caller_id_text AS parent_id_text,
             row_number() OVER (PARTITION BY e.callee_crate_id, e.callee_hash, e.callee_id_text
                                ORDER BY e.caller_crate_id, e.caller_hash, e.caller_id_text) AS pick
      FROM reach_edges e
      JOIN path_frontier f
        ON e.caller_crate_id = f.crate_id AND e.caller_hash = f.hash
       AND e.caller_id_text = f.id_text
      WHERE NOT EXISTS (SELECT 1 FROM path_seen s
                        WHERE s.crate_id = e.callee_crate_id AND s.hash = e.callee_hash
                          AND s.id_text = e.callee_id_text)) AS ranked
WHERE pick = 1;
