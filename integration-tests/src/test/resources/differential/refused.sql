-- constructs Rhei refuses by name (each message names the construct)
SELECT id, weight->'a' FROM orders
SELECT DISTINCT ON (status) status, id FROM orders ORDER BY status, id
SELECT mode() WITHIN GROUP (ORDER BY qty) FROM orders
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FROM orders
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY qty) FROM orders
SELECT string_agg(status, ',' ORDER BY status) FROM (SELECT DISTINCT status FROM orders) t
SELECT customer_id, string_agg(CAST(id AS text), ';') FROM orders GROUP BY customer_id
