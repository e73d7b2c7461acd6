-- For calls_unsafe_crate: each (unit, other unit) pair where the first has an exact call (not
-- dyn, fn_ptr or trait_generic, whose targets are only candidates) into the second. Where a
-- call lands is the link's answer: its callee id's crate part in `crate_ids`. The caller
-- keeps the pairs whose target uses_unsafe (figures_per_crate.sql).
SELECT DISTINCT c.unit, k.unit AS target
FROM calls c JOIN crate_ids k ON k.crate_id = c.callee_crate_id
WHERE c.kind NOT IN ('dyn', 'fn_ptr', 'trait_generic') AND k.unit <> c.unit
UNION
SELECT DISTINCT c.unit, k.unit AS target
FROM calls c JOIN crate_ids k ON k.stable_id = split_part(c.callee_id_text, ':', 1)
WHERE c.callee_id_text IS NOT NULL
  AND c.kind NOT IN ('dyn', 'fn_ptr', 'trait_generic') AND k.unit <> c.unit
ORDER BY unit, target;
