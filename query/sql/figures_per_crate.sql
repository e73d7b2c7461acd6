-- The per-crate facts of the figures (docs/figures.md) that need no reachability, one row per
-- unit in key order: uses_unsafe, user_unsafe_blocks, unsafe_ops, ffi_imports and
-- public_functions. painter_query::figures is the reference for each definition.
--
-- A crate's own code is what no other crate's macro or derive expanded: no macro origin, or a
-- macro of the crate itself (`macro_krate` = the crate's name).
WITH own_blocks AS (
    SELECT b.unit, count(*) AS n
    FROM unsafe_blocks b JOIN units u ON u.key = b.unit
    WHERE NOT b.generated AND (b.macro_name IS NULL OR b.macro_krate = u.name)
    GROUP BY b.unit
),
own_declarations AS (
    SELECT DISTINCT d.unit
    FROM declarations d JOIN units u ON u.key = d.unit
    WHERE d.kind IN ('unsafe_fn', 'unsafe_trait', 'unsafe_impl', 'extern_block')
      AND (d.macro_name IS NULL OR d.macro_krate = u.name)
),
ops AS (SELECT unit, count(*) AS n FROM unsafe_ops GROUP BY unit),
imports AS (SELECT unit, count(*) AS n FROM ffi_imports GROUP BY unit),
api AS (
    SELECT unit, count(*) AS n FROM functions
    WHERE public AND kind IN ('fn', 'method', 'impl_method', 'trait_method')
    GROUP BY unit
)
SELECT u.key AS unit,
       u."primary" AS is_primary,
       (b.n IS NOT NULL OR d.unit IS NOT NULL) AS uses_unsafe,
       coalesce(b.n, 0) AS user_unsafe_blocks,
       coalesce(o.n, 0) AS unsafe_ops,
       coalesce(i.n, 0) AS ffi_imports,
       coalesce(a.n, 0) AS public_functions
FROM units u
LEFT JOIN own_blocks b ON b.unit = u.key
LEFT JOIN own_declarations d ON d.unit = u.key
LEFT JOIN ops o ON o.unit = u.key
LEFT JOIN imports i ON i.unit = u.key
LEFT JOIN api a ON a.unit = u.key
ORDER BY u.key;
