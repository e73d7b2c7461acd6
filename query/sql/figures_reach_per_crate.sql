-- The reachability figures of each unit after a reach loop (reach_seed.sql … reach_advance.sql)
-- for one target: whether some function of the unit reaches a target through at least one call
-- (level > 0: a target itself, a foreign item for "ffi", does not count), and how many of its
-- public API functions (fn, method, impl_method, trait_method) reach one, counting targets.
SELECT f.unit,
       max(CASE WHEN s.level > 0 THEN 1 ELSE 0 END) AS reaches_by_call,
       sum(CASE WHEN f.public AND f.kind IN ('fn', 'method', 'impl_method', 'trait_method')
                THEN 1 ELSE 0 END) AS public_reaching
FROM functions f
JOIN reach_seen s
  ON s.crate_id = coalesce(f.crate_id, CAST(0 AS UBIGINT)) AND s.hash = coalesce(f.hash, CAST(0 AS UBIGINT))
 AND s.id_text = coalesce(f.id_text, '')
GROUP BY f.unit
ORDER BY f.unit;
