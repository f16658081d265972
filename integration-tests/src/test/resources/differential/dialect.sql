-- PostgreSQL syntax
SELECT id::text, total::int, qty::float8, placed::date, total::numeric(10,4) FROM orders WHERE id < 20 ORDER BY id
SELECT id AS value, qty AS year, status AS name, total AS type FROM orders WHERE id < 10 ORDER BY value
SELECT "id", "name" FROM "public"."customers" WHERE id < 5 ORDER BY 1
SELECT id, weight FROM orders ORDER BY weight NULLS FIRST, id LIMIT 10
SELECT id, weight FROM orders ORDER BY weight DESC NULLS LAST, id LIMIT 10
SELECT id FROM orders ORDER BY id LIMIT ALL
SELECT id FROM orders ORDER BY id FETCH FIRST 3 ROWS ONLY
SELECT id FROM orders ORDER BY id OFFSET 5 ROWS FETCH NEXT 2 ROWS ONLY
SELECT id FROM customers WHERE name ILIKE 'jo%' ORDER BY id
SELECT id FROM customers WHERE name NOT ILIKE '%a%' ORDER BY id
SELECT count(*) FROM orders WHERE placed < TIMESTAMP '2024-06-01 00:00:00' - interval '30 day'
SELECT count(*) FROM orders WHERE placed >= TIMESTAMP '2024-03-01 00:00:00' + interval '1 month'
-- result column names as PostgreSQL names them
SELECT count(*), sum(qty), avg(total), min(placed), max(weight) FROM orders
SELECT status, count(*) FROM orders GROUP BY status
SELECT qty + 1, qty * 2, -qty, id FROM orders WHERE id < 3
SELECT CAST(qty AS bigint), CAST(1.5 AS int), qty::int8 FROM orders WHERE id < 3
SELECT CASE WHEN qty > 3 THEN 1 ELSE 0 END, coalesce(weight, 0), upper(status) FROM orders WHERE id < 3
SELECT 1
SELECT 1 + 1, 'x', 2.5, NULL
SELECT version() LIKE 'PostgreSQL 1%'
SELECT current_schema()
SELECT current_setting('server_version_num')::int >= 170000, current_setting('TimeZone') IN ('UTC', 'Etc/UTC')
-- aggregates
SELECT count(*), count(DISTINCT customer_id), sum(total) FROM orders
SELECT status, count(*), count(DISTINCT customer_id), max(qty) FROM orders GROUP BY status
SELECT status, count(*) FILTER (WHERE qty > 3), sum(total) FILTER (WHERE weight IS NULL) FROM orders GROUP BY status
SELECT corr(qty, weight), covar_pop(qty, weight), covar_samp(qty, weight) FROM orders
-- windows
SELECT id, ntile(4) OVER (ORDER BY id), percent_rank() OVER (ORDER BY qty), cume_dist() OVER (ORDER BY qty) FROM orders WHERE id < 40
SELECT id, first_value(qty) OVER (PARTITION BY status ORDER BY id), last_value(qty) OVER (PARTITION BY status ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM orders WHERE id < 50
SELECT id, nth_value(qty, 2) OVER (PARTITION BY status ORDER BY id) FROM orders WHERE id < 50
SELECT status, count(*), sum(count(*)) OVER () FROM orders GROUP BY status
SELECT id, sum(qty) OVER w, avg(qty) OVER w FROM orders WHERE id < 40 WINDOW w AS (PARTITION BY status ORDER BY id)
-- query shapes
SELECT customer_id FROM orders INTERSECT SELECT id FROM customers
SELECT id FROM customers EXCEPT SELECT customer_id FROM orders
SELECT status, qty FROM orders WHERE id < 500 INTERSECT SELECT status, qty FROM orders WHERE id > 2800
SELECT customer_id, status FROM orders EXCEPT SELECT customer_id, status FROM orders WHERE qty > 2
SELECT segment FROM customers INTERSECT SELECT segment FROM customers WHERE id < 50
SELECT segment FROM customers EXCEPT SELECT segment FROM customers WHERE segment <> 'retail'
VALUES (1, 'a'), (2, 'b')
SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS v(k, s)
SELECT country, segment, count(*) FROM customers GROUP BY ROLLUP (country, segment)
SELECT country, segment, count(*), grouping(country) FROM customers GROUP BY CUBE (country, segment)
SELECT country, count(*) FROM customers GROUP BY GROUPING SETS ((country), ())
SELECT id FROM orders WHERE qty > ALL (SELECT qty FROM orders WHERE id < 3)
SELECT id FROM orders WHERE qty = ANY (SELECT qty FROM orders WHERE id < 3)
SELECT id FROM orders WHERE qty < SOME (SELECT qty FROM orders WHERE id < 3)
SELECT id FROM orders WHERE qty = ANY (ARRAY[1, 2])
WITH t AS (SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id) SELECT a.customer_id FROM t a JOIN t b ON a.customer_id = b.customer_id + 1 WHERE a.s > b.s
SELECT id, ntile(3) OVER (PARTITION BY status ORDER BY id), ntile(7) OVER (ORDER BY qty, id) FROM orders WHERE id < 50
SELECT id, percent_rank() OVER (PARTITION BY country ORDER BY created), cume_dist() OVER (PARTITION BY country ORDER BY created) FROM customers
SELECT id, avg(total) OVER (PARTITION BY status), avg(qty) OVER (PARTITION BY status ORDER BY id) FROM orders WHERE id < 100
SELECT country, segment, count(*), sum(credit), grouping(country, segment) FROM customers GROUP BY ROLLUP (country, segment)
SELECT status, qty, count(*) FROM orders WHERE id < 500 GROUP BY GROUPING SETS ((status, qty), (qty), ())
-- regular expression matches (~, ~*, !~, !~*), as catalog queries and users write them
SELECT status, count(*) FROM orders WHERE status ~ '^(open|paid)$' GROUP BY status
SELECT count(*) FROM customers WHERE name ~* 'A' AND country !~ '^[DE]'
SELECT count(*) FROM customers WHERE name !~* '[0-9]$' OR name IS NULL
SELECT id, name ~ '\d' AS digit FROM customers WHERE id < 20 ORDER BY id
-- timestamp constants with a zone offset, and Grafana's time buckets
SELECT '2024-01-01 00:07:00+02'::timestamptz AS t, '2024-01-01 10:00:00.5'::timestamp AS u
SELECT extract(epoch from '2024-01-01 00:07:00+00'::timestamptz) AS e, floor(extract(epoch from '2024-01-01 00:07:00+00'::timestamptz)/300)*300 AS b
SELECT TIMESTAMPTZ '2024-01-01 00:07:00+02' AS t, timestamp with time zone '2024-03-01 10:00:00.25-05' AS u
SELECT id FROM types_t WHERE tz >= TIMESTAMPTZ '2024-01-01 00:00:00+00' ORDER BY id
SELECT floor(extract(epoch from placed)/300)*300 AS b, count(*) FROM orders GROUP BY 1 ORDER BY 1 LIMIT 5
SELECT current_setting('server_version_num')::int/100 AS v
