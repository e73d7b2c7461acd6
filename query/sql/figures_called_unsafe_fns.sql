-- most_called_unsafe_fns: calls of unsafe fns from each unit's own code (not in a
-- compiler-generated block, not out of another crate's macro), per callee and the path the unit
-- prints it as. The caller counts crates per callee id (the path when a callee has no id) and
-- keeps the shortest path.
SELECT o.unit, o.callee_crate_id, o.callee_hash, o.callee_id_text, o.callee_path,
       count(*) AS call_sites
FROM unsafe_ops o JOIN units u ON u.key = o.unit
WHERE o.kind = 'call_unsafe_fn' AND o.callee_path IS NOT NULL
  AND o.context_kind <> 'generated_block'
  AND (o.macro_name IS NULL OR o.macro_krate = u.name)
GROUP BY o.unit, o.callee_crate_id, o.callee_hash, o.callee_id_text, o.callee_path
ORDER BY o.unit, o.callee_path;
