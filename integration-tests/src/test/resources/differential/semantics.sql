-- NULL logic, empty inputs, LIMIT/OFFSET edges, set operations, names
SELECT NULL = NULL, NULL <> 1, NULL AND false, NULL OR true, NOT NULL::boolean, NULL IS NULL, 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL)
SELECT id FROM types_t WHERE i4 IN (1, NULL) ORDER BY id
SELECT id FROM types_t WHERE NOT (i4 > 0) ORDER BY id
SELECT id FROM types_t WHERE (i4 > 0) IS NOT TRUE ORDER BY id
SELECT id FROM types_t WHERE b IS NOT FALSE ORDER BY id
SELECT id FROM types_t WHERE i4 IS DISTINCT FROM i2 ORDER BY id
SELECT id FROM types_t WHERE i4 IS NOT DISTINCT FROM NULL ORDER BY id
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)
SELECT id FROM customers WHERE id = ANY (SELECT customer_id FROM orders WHERE qty > 5) ORDER BY id
SELECT id FROM customers WHERE credit > ALL (SELECT credit FROM customers WHERE country = 'FR')
SELECT id FROM customers WHERE credit > ALL (SELECT credit FROM customers WHERE country = 'FR' AND credit IS NOT NULL) ORDER BY id
SELECT id FROM customers WHERE credit < SOME (SELECT credit FROM customers WHERE country = 'XX')
SELECT count(*), sum(v), avg(v), min(v), max(v), count(DISTINCT v), bool_and(v > 0) FROM empty_t
SELECT v, count(*) FROM empty_t GROUP BY v
SELECT * FROM empty_t ORDER BY id LIMIT 5
SELECT * FROM orders LIMIT 0
SELECT id FROM orders ORDER BY id LIMIT 0
SELECT id FROM orders ORDER BY id OFFSET 5000
SELECT id FROM orders ORDER BY id LIMIT 3 OFFSET 2998
SELECT status, count(*) FROM orders GROUP BY status ORDER BY count(*) DESC, status LIMIT 2 OFFSET 1
SELECT count(*) FROM (SELECT * FROM orders LIMIT 0) t
SELECT e.id, o.id FROM empty_t e FULL JOIN orders o ON e.id = o.id WHERE o.id < 3
SELECT id FROM empty_t UNION ALL SELECT id FROM customers WHERE id < 3
SELECT id FROM empty_t INTERSECT SELECT id FROM customers
SELECT id FROM customers WHERE id < 4 EXCEPT SELECT id FROM empty_t
SELECT country, count(*) FILTER (WHERE segment IS NULL), count(segment), count(*) FROM customers GROUP BY country ORDER BY country
SELECT count(*) FILTER (WHERE qty > 2) * 1.0 / count(*) FROM orders
SELECT status, avg(qty) FILTER (WHERE weight > 1), sum(total) FILTER (WHERE qty = 1), min(weight) FILTER (WHERE qty = 6) FROM orders GROUP BY status
SELECT customer_id, count(DISTINCT status), count(*), sum(qty) FROM orders WHERE customer_id < 20 GROUP BY customer_id
SELECT count(DISTINCT status), count(DISTINCT customer_id), count(*) FROM orders
SELECT avg(qty), avg(id), avg(customer_id), sum(id), sum(customer_id) FROM orders
SELECT status, avg(total), avg(qty), avg(weight) FROM orders GROUP BY status
SELECT sum(total) / count(*), sum(total) / 3, avg(total) * 2 FROM orders
SELECT customer_id, sum(total) / sum(qty) FROM orders WHERE customer_id < 15 GROUP BY customer_id
SELECT id, total / qty, total / 7, total / 0.25 FROM orders WHERE id < 25
SELECT 1 AS a, 2 AS "B", 3 AS "select", 4 AS year, 5 AS value, 6 AS name, 7 AS type, 8 AS date, 9 AS time
SELECT status AS "Status", count(*) AS "Count" FROM orders GROUP BY status ORDER BY "Status"
SELECT o.id, c.name AS customer FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id < 10 ORDER BY 1
SELECT id, qty FROM orders ORDER BY qty DESC NULLS LAST, id DESC LIMIT 7
SELECT id, weight FROM orders ORDER BY weight DESC NULLS FIRST, id LIMIT 7
SELECT id, segment FROM customers ORDER BY segment NULLS FIRST, id LIMIT 10
SELECT id, weight, weight IS NULL FROM orders WHERE id < 30 ORDER BY 3, 2, 1
SELECT count(*) AS n, status FROM orders GROUP BY status HAVING count(*) > 500 ORDER BY n
SELECT qty * 2 AS q2, count(*) FROM orders GROUP BY q2 ORDER BY q2
SELECT CASE WHEN qty > 3 THEN 'many' ELSE 'few' END AS k, count(*) FROM orders GROUP BY 1 ORDER BY 1
SELECT id, CASE WHEN weight IS NULL THEN 'none' WHEN weight > 2 THEN 'heavy' END FROM orders WHERE id < 40
SELECT id, CASE segment WHEN 'retail' THEN 1 WHEN NULL THEN 2 ELSE 3 END FROM customers WHERE id < 40
SELECT id, coalesce(segment, country, 'x'), nullif(segment, 'retail'), nullif(country, 'FR') FROM customers WHERE id < 40
SELECT DISTINCT segment FROM customers ORDER BY 1 NULLS FIRST
SELECT DISTINCT qty, status FROM orders WHERE qty > 4 ORDER BY 2, 1
SELECT count(*) FROM (SELECT DISTINCT customer_id FROM orders) t
WITH big AS (SELECT * FROM orders WHERE total > 900) SELECT count(*), (SELECT count(*) FROM big WHERE qty = 1) FROM big
WITH c AS (SELECT country, count(*) AS n FROM customers GROUP BY country) SELECT a.country, b.country FROM c a JOIN c b ON a.n = b.n AND a.country < b.country
WITH RECURSIVE_IS_NOT_USED AS (SELECT 1 AS x) SELECT x FROM RECURSIVE_IS_NOT_USED
SELECT (SELECT max(total) FROM orders), (SELECT min(created) FROM customers)
SELECT id, (SELECT max(o.total) FROM orders o WHERE o.customer_id = c.id) FROM customers c WHERE id < 20 ORDER BY id
SELECT * FROM (VALUES (1, 'one'), (2, 'two'), (3, NULL)) AS v(n, s) WHERE n > 1
SELECT v.n, c.name FROM (VALUES (1), (2)) AS v(n) JOIN customers c ON c.id = v.n
SELECT id FROM customers WHERE country IN (SELECT * FROM (VALUES ('FR'), ('DE')) AS v(c)) ORDER BY id
SELECT 'a' < 'b', 'Z' < 'a', 'é' > 'z', '' < 'a', 'abc' LIKE 'a_c', 'abc' ILIKE 'A%', 'a%c' LIKE 'a\%c'
SELECT id, name FROM customers WHERE name < 'C' ORDER BY name, id
SELECT id, name FROM customers ORDER BY name DESC, id LIMIT 15
SELECT min(name), max(name), min(country || segment) FROM customers
SELECT status, row_number() OVER (ORDER BY status), count(*) FROM orders GROUP BY status
SELECT id, sum(qty) OVER (PARTITION BY status ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING) FROM orders WHERE id < 60
SELECT id, count(weight) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), min(weight) OVER (ORDER BY id) FROM orders WHERE id < 50
SELECT id, rank() OVER (ORDER BY qty DESC), row_number() OVER (PARTITION BY qty ORDER BY id DESC) FROM orders WHERE id < 60
SELECT customer_id, total, avg(total) OVER (PARTITION BY customer_id), total - avg(total) OVER (PARTITION BY customer_id) FROM orders WHERE customer_id < 6
SELECT id, max(total) OVER (PARTITION BY status) = total FROM orders WHERE id < 50
SELECT id, nth_value(total, 3) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM orders WHERE id < 20
SELECT id, ntile(2) OVER (ORDER BY id), ntile(10) OVER (ORDER BY id) FROM orders WHERE id < 8
SELECT country, percent_rank() OVER (ORDER BY country), cume_dist() OVER (ORDER BY country) FROM customers WHERE id < 30
SELECT c.country, sum(o.total), rank() OVER (ORDER BY sum(o.total) DESC) FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.country
SELECT n_name, r_name FROM tpch.nation JOIN tpch.region ON n_regionkey = r_regionkey WHERE r_name = 'EUROPE' ORDER BY n_name
SELECT n_name FROM tpch.nation WHERE n_name IN ('FRANCE', 'GERMANY   ', 'JAPAN') ORDER BY 1
SELECT s_name, s_phone FROM tpch.supplier WHERE s_phone LIKE '1%' ORDER BY s_name LIMIT 5
SELECT p_brand, count(*) FROM tpch.part WHERE p_brand BETWEEN 'Brand#1' AND 'Brand#2' GROUP BY p_brand ORDER BY 1
SELECT p_container, count(*) FROM tpch.part WHERE p_container NOT LIKE 'SM%' AND p_container <> 'LG BOX' GROUP BY 1 ORDER BY 1
SELECT c_mktsegment, length(c_mktsegment), c_mktsegment || '#', upper(c_mktsegment) FROM tpch.customer WHERE c_custkey < 6 ORDER BY c_custkey
SELECT o_orderstatus, o_orderpriority, count(*) FROM tpch.orders GROUP BY ROLLUP (o_orderstatus, o_orderpriority) ORDER BY 1, 2
SELECT l_returnflag, l_linestatus, sum(l_quantity), avg(l_extendedprice), avg(l_discount), count(*) FROM tpch.lineitem GROUP BY 1, 2 ORDER BY 1, 2
SELECT l_shipmode, sum(l_extendedprice * (1 - l_discount)) / sum(l_quantity) FROM tpch.lineitem GROUP BY 1 ORDER BY 1
SELECT o_orderkey, l_linenumber, l_extendedprice * l_discount FROM tpch.orders JOIN tpch.lineitem ON o_orderkey = l_orderkey WHERE o_orderkey < 10 ORDER BY 1, 2
SELECT extract(year FROM l_shipdate) AS y, l_shipmode, count(*) FILTER (WHERE l_returnflag = 'R') FROM tpch.lineitem GROUP BY 1, 2 ORDER BY 1, 2
SELECT date_trunc('quarter', o_orderdate)::date, count(*), sum(o_totalprice) FROM tpch.orders GROUP BY 1 ORDER BY 1 LIMIT 8
SELECT ps_partkey, ps_suppkey, ps_supplycost * ps_availqty FROM tpch.partsupp WHERE ps_partkey < 5 ORDER BY 1, 2
SELECT s_nationkey, count(*), avg(s_acctbal), min(s_acctbal), max(s_acctbal) FROM tpch.supplier GROUP BY 1 ORDER BY 1
-- correlated scalar subqueries the planner cannot prove single-row: one row (or none) per outer row in fact
SELECT c.id, (SELECT o.total FROM orders o WHERE o.id = c.id * 7 AND o.customer_id IS NOT NULL) FROM customers c ORDER BY c.id
SELECT c.id FROM customers c WHERE c.credit < (SELECT o.total FROM orders o WHERE o.id = c.id + 1000 AND o.qty >= 0) ORDER BY c.id
SELECT p.id, (SELECT i.qty FROM items i WHERE i.product_id = p.id AND i.order_id = p.id AND i.line = 1) FROM products p ORDER BY p.id
SELECT c.id FROM customers c WHERE c.id = (SELECT o.customer_id FROM orders o WHERE o.id = 17 AND o.qty > -1)
-- found by RandomQueryDifferentialTest (seed 20261206, 30,000 queries)
-- a string constant as an output column is text: its trailing blanks stay, through a UNION and in VALUES
SELECT 'ab   ' AS v FROM tpch.nation n WHERE n.n_nationkey < 2 UNION SELECT left(c.name, 3) FROM customers c WHERE c.id < 3
SELECT lower('ab   ') AS v FROM customers c WHERE c.id < 2 UNION ALL SELECT c.name FROM customers c WHERE c.id < 2
SELECT v || '|' FROM (SELECT 'ab   ' AS v) s
VALUES ('a'), ('abc  ')
-- COALESCE of a char(n) column and a constant is bpchar: IN ignores its padding
SELECT t.id FROM types_t t WHERE coalesce(t.c, 'ab') IN ('Brand#23', 'ab', 'x') ORDER BY 1
SELECT t.id, (t.i8 % 3) FROM types_t t WHERE coalesce(t.c, 'ab') NOT IN ('Brand#23', 'ab', 'x') ORDER BY 1
-- a day of the week of a date computed with an interval: counted from Sunday = 0
SELECT extract(dow FROM (DATE '2020-02-29' + interval '17 days')::date) AS e0, extract(isodow FROM (DATE '2021-06-01' + interval '30 days')::date) AS e1
-- a numeric minus a bigint beyond 18 integer digits
SELECT ((t.n / 7) - t.i8) AS e0 FROM types_t t ORDER BY 1
-- text of constants, and a substring of it
SELECT substring(CAST(0 AS text) FROM 3 FOR 3) AS e1, substring(CAST(7 AS text) FROM 1 FOR 1) AS e2, CAST(1.50 AS text) AS e3, CAST(true AS text) AS e4
-- a filter's c = 'ab' on a char(n) column does not make the projected c the constant 'ab': it is stored padded
SELECT coalesce(t.c, 'x') AS e0, t.id FROM types_t t WHERE coalesce(t.c, t.c) BETWEEN 'ab' AND 'ab' ORDER BY t.id
SELECT t.c, t.id FROM types_t t WHERE t.c = 'ab' ORDER BY t.id
-- an IN list of dates inside a GROUP BY expression (Calcite's conversion failed on it)
SELECT CASE WHEN c.created IN (DATE '2020-02-29', DATE '2021-06-01', DATE '1995-03-15') THEN c.id ELSE c.id END AS g0, count(*) AS n FROM customers c GROUP BY 1 ORDER BY 1
SELECT CASE WHEN t.d NOT IN (DATE '2020-02-29', DATE '2020-02-29', DATE '2021-06-01') THEN t.id ELSE t.i8 END AS g0, count(DISTINCT t.i4) AS a0 FROM types_t t GROUP BY 1 ORDER BY 1
-- an aggregate's argument is computed only for the rows its FILTER keeps (the cast would fail on the others)
SELECT min(CAST(t.n AS integer)) FILTER (WHERE DATE '2021-06-01' IS NULL) AS a0, count(CAST(t.n AS integer)) FILTER (WHERE t.f8 < t.f8) AS a1, count(*) FILTER (WHERE t.id < 5) AS a2 FROM types_t t
-- found by RandomQueryDifferentialTest (seed 424242, 20,000 queries)
-- extract is numeric in PostgreSQL: its quotient is exact; a sum with a quotient keeps the quotient's 20 decimals
SELECT (extract(year FROM t.d) / 7) AS e0, extract(month FROM t.d) + 1 AS e1, t.id FROM types_t t ORDER BY t.id
SELECT ((o.total / 7) + coalesce(o.customer_id, 3)) AS e0, o.id FROM orders o ORDER BY o.id LIMIT 50
