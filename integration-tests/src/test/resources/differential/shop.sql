-- projections, expressions, WHERE
SELECT id, name FROM customers
SELECT id, qty * 2 + 1, total FROM orders WHERE id <= 50
SELECT id, total - 10.50 FROM orders WHERE total > 100
SELECT id, -qty, qty % 7 FROM orders WHERE qty IS NOT NULL
SELECT id FROM orders WHERE status = 'shipped' AND qty > 3
SELECT id FROM orders WHERE status = 'shipped' OR weight < 1.5
SELECT id FROM orders WHERE NOT (status = 'new')
SELECT id FROM orders WHERE weight IS NULL
SELECT id FROM orders WHERE customer_id IS NULL
SELECT id FROM orders WHERE qty BETWEEN 2 AND 4
SELECT id FROM orders WHERE status IN ('new', 'paid')
SELECT id FROM orders WHERE status NOT IN ('new', 'paid')
-- IN lists as the native IN: NULLs on the left, decimals, dates, an expression evaluated once
SELECT id FROM customers WHERE segment NOT IN ('retail', 'online')
SELECT id FROM customers WHERE segment IN ('retail', 'online') OR credit IN (12.50, 100.00, 999.99)
SELECT id FROM customers WHERE substring(name from 1 for 2) IN ('Jo', 'Zo', 'Ås', '李 ')
SELECT id, name FROM customers WHERE name LIKE 'Ł%' OR name = 'Zoë 4' OR upper(name) = 'CHLOÉ 17'
SELECT id FROM customers WHERE created IN (DATE '2020-01-05', DATE '2021-03-01', DATE '2023-06-30') OR credit IS NULL
SELECT id FROM orders WHERE id IN (1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946, 17711, 28657)
SELECT id, name FROM customers WHERE name LIKE 'Jo%'
SELECT id, name FROM customers WHERE name LIKE '%ü%'
SELECT id, name FROM customers WHERE name NOT LIKE '%a%'
SELECT id, CASE WHEN total > 500 THEN 'big' WHEN total > 100 THEN 'mid' ELSE 'small' END FROM orders
SELECT id, CASE status WHEN 'new' THEN 1 WHEN 'paid' THEN 2 END FROM orders
SELECT id, coalesce(segment, 'none') FROM customers
SELECT id, coalesce(weight, 0.0) FROM orders
SELECT id, CAST(qty AS bigint) * 1000000000 FROM orders WHERE id < 100
SELECT id, CAST(total AS double precision) FROM orders WHERE id < 100
SELECT id, CAST(qty AS numeric(10,2)) FROM orders WHERE id < 100
SELECT id, CAST(id AS varchar) FROM customers WHERE id < 20
SELECT upper(name), lower(name), char_length(name) FROM customers
SELECT name || ' / ' || country FROM customers
SELECT id FROM customers WHERE upper(country) = 'DE'
SELECT abs(qty - 3), abs(weight - 2.5) FROM orders WHERE weight IS NOT NULL
SELECT c.id, o.id FROM customers c, orders o WHERE o.total > c.credit AND c.id < 3 AND o.id < 5
SELECT c.id, o.id FROM customers c CROSS JOIN orders o WHERE c.id < 3 AND o.id < 4
SELECT id, weight / 2 FROM orders WHERE weight IS NOT NULL
SELECT id, qty / 2 FROM orders
SELECT DISTINCT status FROM orders
SELECT DISTINCT country, segment FROM customers
-- aggregates
SELECT count(*) FROM orders
SELECT count(*) FROM empty_t
SELECT sum(v), min(v), max(v), avg(v) FROM empty_t
SELECT count(weight), count(customer_id) FROM orders
SELECT sum(qty), sum(total), min(total), max(total) FROM orders
SELECT avg(qty), avg(weight) FROM orders
SELECT avg(total) FROM orders
SELECT stddev(weight), variance(weight) FROM orders
SELECT status, count(*) FROM orders GROUP BY status
SELECT status, count(*), sum(total), avg(total) FROM orders GROUP BY status ORDER BY status
SELECT customer_id, count(*) FROM orders GROUP BY customer_id
SELECT customer_id, status, count(*), max(placed) FROM orders GROUP BY customer_id, status
SELECT country, count(DISTINCT segment) FROM customers GROUP BY country
SELECT count(DISTINCT customer_id) FROM orders
SELECT customer_id, sum(total) FROM orders GROUP BY customer_id HAVING sum(total) > 5000
SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id HAVING count(*) > 30 ORDER BY n DESC, customer_id
SELECT segment, min(name), max(name) FROM customers GROUP BY segment
SELECT qty, count(*) FROM orders WHERE weight > 2 GROUP BY qty
SELECT status, sum(weight) FROM orders GROUP BY status
-- ORDER BY, LIMIT, OFFSET (NULL ordering as in PostgreSQL)
SELECT id, weight FROM orders ORDER BY weight, id
SELECT id, weight FROM orders ORDER BY weight DESC, id
SELECT id, weight FROM orders ORDER BY weight NULLS FIRST, id LIMIT 20
SELECT id, total FROM orders ORDER BY total DESC, id LIMIT 10
SELECT id FROM orders ORDER BY id LIMIT 5 OFFSET 10
SELECT id, name FROM customers ORDER BY name, id LIMIT 7
SELECT id FROM orders ORDER BY id OFFSET 2990
SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id ORDER BY s DESC, customer_id LIMIT 5
-- joins
SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id
SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id
SELECT c.id, o.id FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id
SELECT c.id, o.id FROM customers c FULL JOIN orders o ON o.customer_id = c.id
SELECT c.country, sum(o.total) FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.country
SELECT c.segment, count(*) FROM orders o JOIN customers c ON o.customer_id = c.id WHERE o.status = 'paid' GROUP BY c.segment
SELECT p.category, sum(i.qty) FROM items i JOIN products p ON i.product_id = p.id GROUP BY p.category
SELECT o.id, p.name FROM orders o JOIN items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id WHERE o.id < 40
SELECT c.name, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.name
-- aggregates over an outer join grouped by the kept side's key: the other side aggregated per join key first
SELECT c.id, count(o.id), count(*), sum(o.total), min(o.qty), max(o.status) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id
SELECT c.id, c.name, count(o.weight), sum(o.qty), sum(o.weight) FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id GROUP BY c.id, c.name
SELECT n, count(*) FROM (SELECT c.id, count(o.id) AS n FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'new' GROUP BY c.id) t GROUP BY n
SELECT c.id, coalesce(sum(o.total), 0), count(*) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE c.id < 40 GROUP BY c.id
SELECT o.id, count(i.qty), sum(i.qty), max(i.product_id) FROM orders o LEFT JOIN items i ON i.order_id = o.id GROUP BY o.id
SELECT o.id FROM orders o JOIN customers c ON o.customer_id = c.id AND o.total > c.credit
SELECT a.id, b.id FROM orders a JOIN orders b ON a.customer_id = b.customer_id AND a.id < b.id WHERE a.id < 30
SELECT c.id FROM customers c JOIN orders o ON c.id = o.qty
-- subqueries
SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE status = 'delivered')
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL)
SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.total > 900)
SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
-- [NOT] EXISTS as semi and anti joins: non-equi correlation, NULL keys on both sides, several at once
SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM orders o2 WHERE o2.customer_id = o.customer_id AND o2.id <> o.id)
SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT * FROM orders o2 WHERE o2.customer_id = o.customer_id AND o2.total > o.total)
SELECT o.id FROM orders o WHERE o.qty > 1 AND EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id AND i.qty > 2) AND NOT EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id AND (i.product_id IS NULL OR i.qty > 8))
SELECT c.country, count(*) FROM customers c, orders o WHERE o.customer_id = c.id AND NOT EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id) GROUP BY c.country
SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) OR c.country = 'FR'
SELECT id FROM empty_t e WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.qty = e.v)
SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM empty_t e WHERE e.v = c.id)
-- a per-key subquery whose aggregation is filtered by the outer query's keys first
SELECT count(*), sum(o.total) FROM orders o, customers c WHERE o.customer_id = c.id AND c.country = 'FR' AND o.total > (SELECT avg(o2.total) FROM orders o2 WHERE o2.customer_id = c.id)
SELECT c.id, m.mx FROM customers c JOIN (SELECT customer_id, max(qty) AS mx FROM orders GROUP BY customer_id) m ON m.customer_id = c.id WHERE c.segment = 'online' AND c.country IN ('DE', 'PL')
-- an OR across two tables also filters each table alone first
SELECT c.country, count(*) FROM orders o, customers c WHERE o.customer_id = c.id AND ((c.country = 'FR' AND o.status = 'paid') OR (c.country = 'DE' AND o.qty > 3) OR (c.segment IS NULL AND o.total > 500)) GROUP BY c.country
SELECT count(*) FROM orders o, customers c WHERE o.customer_id = c.id AND ((c.country = 'FR' AND o.qty = 1) OR o.qty = 6)
-- more tables than the exhaustive join order takes: the greedy one
SELECT count(*), sum(c11.credit) FROM customers c1, customers c2, customers c3, customers c4, customers c5, customers c6, customers c7, customers c8, customers c9, customers c10, customers c11, orders o WHERE c1.id = c2.id AND c2.id = c3.id AND c3.id = c4.id AND c4.id = c5.id AND c5.id = c6.id AND c6.id = c7.id AND c7.id = c8.id AND c8.id = c9.id AND c9.id = c10.id AND c10.id = c11.id AND o.customer_id = c1.id AND c5.country = 'FR' AND o.qty > 2
-- join order: four tables, an equality shared by three of them, filters on the small ones
SELECT c.country, p.category, sum(i.qty) FROM items i, orders o, customers c, products p WHERE i.order_id = o.id AND o.customer_id = c.id AND i.product_id = p.id AND c.segment = 'retail' AND p.price > 50 GROUP BY c.country, p.category
SELECT count(*) FROM orders a, orders b, customers c WHERE a.customer_id = b.customer_id AND b.customer_id = c.id AND a.qty = 1 AND b.qty = 2
SELECT id, total FROM orders WHERE total > (SELECT avg(total) FROM orders)
SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c
SELECT status, n FROM (SELECT status, count(*) AS n FROM orders GROUP BY status) t WHERE n > 100
SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = 'FR') AND qty > 2
-- window functions
SELECT id, country, row_number() OVER (PARTITION BY country ORDER BY id) FROM customers
SELECT id, customer_id, sum(total) OVER (PARTITION BY customer_id) FROM orders
SELECT id, status, qty, rank() OVER (PARTITION BY status ORDER BY qty DESC) FROM orders
SELECT id, rank() OVER (ORDER BY weight) FROM orders
SELECT id, sum(total) OVER (ORDER BY id) FROM orders WHERE id < 200
SELECT id, status, avg(total) OVER (PARTITION BY status), avg(qty) OVER (PARTITION BY status) FROM orders
SELECT id, count(*) OVER (PARTITION BY status ORDER BY placed, id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM orders
SELECT id, min(qty) OVER (PARTITION BY customer_id ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), max(weight) OVER (PARTITION BY customer_id) FROM orders
SELECT * FROM (SELECT id, customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY total DESC, id) AS rn FROM orders) t WHERE rn <= 2
SELECT country, count(*), sum(count(*)) OVER (ORDER BY country) FROM customers GROUP BY country ORDER BY country
-- UNION ALL
SELECT id FROM customers WHERE id < 10 UNION ALL SELECT id FROM customers WHERE id < 5
SELECT status FROM orders WHERE id < 10 UNION ALL SELECT segment FROM customers WHERE id < 10
SELECT id FROM customers WHERE id < 10 UNION SELECT customer_id FROM orders WHERE id < 20
SELECT k, count(*) FROM (SELECT qty AS k FROM orders UNION ALL SELECT v FROM empty_t) t GROUP BY k
-- empty results and empty tables
SELECT id, v FROM empty_t
SELECT id FROM orders WHERE qty > 1000
SELECT status, count(*) FROM orders WHERE qty > 1000 GROUP BY status
SELECT o.id FROM orders o JOIN empty_t e ON o.id = e.id
