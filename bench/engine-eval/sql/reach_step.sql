CREATE TABLE next_frontier AS
SELECT DISTINCT c.caller AS id
FROM calls c JOIN frontier f ON c.callee = f.id
WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.id = c.caller)
