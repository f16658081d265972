-- constructs Rhei refuses by name (each message names the construct)
SELECT id, weight->'a' FROM orders
SELECT DISTINCT ON (status) status, id FROM orders ORDER BY status, id
SELECT mode() WITHIN GROUP (ORDER BY qty) FROM orders
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FROM orders
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY qty) FROM orders
SELECT string_agg(status, ',' ORDER BY status) FROM (SELECT DISTINCT status FROM orders) t
SELECT customer_id, string_agg(CAST(id AS text), ';') FROM orders GROUP BY customer_id
SELECT qty FROM orders INTERSECT ALL SELECT qty FROM orders WHERE id < 100
SELECT qty FROM orders EXCEPT ALL SELECT qty FROM orders WHERE id < 2900
SELECT id, lag(qty) OVER (ORDER BY id), lead(qty, 2, 0) OVER (ORDER BY id) FROM orders WHERE id < 30
SELECT id, lag(qty, 3) OVER (PARTITION BY status ORDER BY id), lead(total) OVER (PARTITION BY status ORDER BY id) FROM orders WHERE id < 60
SELECT id, lag(weight, 1, -1.0) OVER (ORDER BY id), lead(weight, 1, -1.0) OVER (ORDER BY id) FROM orders WHERE id < 40
SELECT id, country, dense_rank() OVER (PARTITION BY country ORDER BY id) FROM customers
SELECT * FROM generate_series(1, 5)
SELECT id, CAST(placed AS date) + interval '1 day' FROM orders WHERE id < 3
SELECT id, to_char(placed, 'YYYY-MM') FROM orders WHERE id < 3
SELECT id, substring(status FROM qty) FROM orders WHERE id < 3
SELECT id, name LIKE 'a!%' ESCAPE '!' FROM customers
SELECT status, min(placed) FILTER (WHERE qty = 6) FROM orders GROUP BY status
SELECT CAST(status AS timestamptz) FROM orders
SELECT c.id, (SELECT o.status FROM orders o WHERE o.customer_id = c.id AND o.id = (SELECT min(o2.id) FROM orders o2 WHERE o2.customer_id = c.id)) FROM customers c ORDER BY c.id
