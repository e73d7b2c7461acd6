-- The functions a user names on the command line: those whose path is $1, or ends with
-- `::$1` (a name or the tail of a path, as `cargo painter path` matches). At most 50, by path
-- then id, so a vague name gives a short, stable list to choose from.
SELECT crate_id, hash, id_text, path
FROM functions
WHERE path = $1 OR path LIKE ('%::' || $1)
ORDER BY path, crate_id, hash, id_text
LIMIT 50;
