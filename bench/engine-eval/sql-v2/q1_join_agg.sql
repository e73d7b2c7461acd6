SELECT f.crate AS crate, count(*) AS n_calls
FROM calls c JOIN functions f ON c.callee = f.id
GROUP BY f.crate
ORDER BY n_calls DESC, crate
LIMIT 5
