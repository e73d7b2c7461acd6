WITH RECURSIVE r(id) AS (
  SELECT id FROM functions WHERE unsafe_ops > 0
  UNION
  SELECT c.caller AS id FROM calls c JOIN r ON c.callee = r.id
)
SELECT count(*) AS n FROM r
