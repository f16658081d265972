-- char(n) columns (bpchar): trailing blanks do not count in comparisons; output keeps the padding
SELECT count(*) FROM tpch.part WHERE p_brand <> 'Brand#23'
SELECT count(*) FROM tpch.part WHERE p_brand = 'Brand#23'
SELECT count(*) FROM tpch.part WHERE p_brand = 'Brand#23   '
SELECT count(*) FROM tpch.orders WHERE o_orderpriority IN ('1-URGENT', '2-HIGH')
SELECT count(*) FROM tpch.orders WHERE o_orderpriority NOT IN ('1-URGENT', '2-HIGH')
SELECT count(*) FROM tpch.lineitem WHERE l_shipmode = 'AIR' OR l_shipmode = 'MAIL'
SELECT l_shipmode, count(*) FROM tpch.lineitem GROUP BY l_shipmode ORDER BY l_shipmode
SELECT DISTINCT l_shipinstruct FROM tpch.lineitem ORDER BY 1
SELECT p_brand, p_container FROM tpch.part WHERE p_partkey < 20 ORDER BY p_partkey
SELECT p_brand || '|' || p_container FROM tpch.part WHERE p_partkey < 20 ORDER BY p_partkey
SELECT length(p_brand), char_length(p_container), octet_length(p_brand) FROM tpch.part WHERE p_partkey < 10 ORDER BY p_partkey
SELECT upper(n_name), lower(r_name) FROM tpch.nation JOIN tpch.region ON n_regionkey = r_regionkey ORDER BY n_nationkey
SELECT count(*) FROM tpch.part WHERE p_container LIKE 'SM%'
SELECT count(*) FROM tpch.part WHERE p_container LIKE '%BOX'
SELECT count(*) FROM tpch.part WHERE p_container LIKE '%BOX%'
SELECT count(*) FROM tpch.nation WHERE n_name < 'FRANCE'
SELECT count(*) FROM tpch.nation WHERE n_name >= 'GERMANY' AND n_name <= 'JAPAN'
SELECT n_name FROM tpch.nation WHERE n_name BETWEEN 'CHINA' AND 'INDIA' ORDER BY n_name
SELECT n_name, CAST(n_name AS varchar) || '!' FROM tpch.nation ORDER BY n_nationkey
SELECT min(s_name), max(s_name) FROM tpch.supplier
SELECT coalesce(c_mktsegment, 'none'), count(*) FROM tpch.customer GROUP BY 1 ORDER BY 1
SELECT c_mktsegment, count(*) FROM tpch.customer WHERE c_mktsegment IN ('BUILDING', 'MACHINERY') GROUP BY c_mktsegment ORDER BY 1
SELECT o_orderstatus, count(*) FROM tpch.orders GROUP BY o_orderstatus ORDER BY o_orderstatus
SELECT count(*) FROM tpch.orders WHERE o_orderstatus = 'F'
SELECT count(*) FROM tpch.orders o JOIN tpch.customer c ON o.o_clerk = c.c_phone
SELECT count(*) FROM tpch.supplier s JOIN tpch.customer c ON s.s_phone = c.c_phone
SELECT count(*) FROM tpch.nation n JOIN tpch.supplier s ON n.n_name = s.s_name
SELECT substring(c_phone from 1 for 2), count(*) FROM tpch.customer GROUP BY 1 ORDER BY 1
SELECT r_name, CASE WHEN r_name = 'ASIA' THEN 'yes' ELSE 'no' END FROM tpch.region ORDER BY r_regionkey
SELECT trim(p_brand), rtrim(p_container) FROM tpch.part WHERE p_partkey < 5 ORDER BY p_partkey
SELECT n_name FROM tpch.nation ORDER BY n_name DESC LIMIT 5
-- exact decimals: numeric division and averages to PostgreSQL's scale, money sums
SELECT sum(l_extendedprice), sum(l_extendedprice * (1 - l_discount)), avg(l_quantity), avg(l_extendedprice) FROM tpch.lineitem
SELECT l_returnflag, sum(l_quantity) / count(*), avg(l_discount) FROM tpch.lineitem GROUP BY l_returnflag ORDER BY 1
SELECT o_orderkey, o_totalprice / 7, o_totalprice / 3.3 FROM tpch.orders WHERE o_orderkey < 40 ORDER BY 1
SELECT sum(o_totalprice) / count(*) FROM tpch.orders
SELECT c_nationkey, avg(c_acctbal) FROM tpch.customer GROUP BY c_nationkey ORDER BY 1
SELECT avg(o_shippriority), avg(l_linenumber) FROM tpch.orders JOIN tpch.lineitem ON o_orderkey = l_orderkey
-- casts round as PostgreSQL does
SELECT o_orderkey, CAST(o_totalprice AS integer), CAST(o_totalprice AS bigint) FROM tpch.orders WHERE o_orderkey < 50 ORDER BY 1
SELECT CAST(l_discount * 100 AS int), count(*) FROM tpch.lineitem GROUP BY 1 ORDER BY 1
SELECT o_orderkey, o_totalprice::int, o_totalprice::numeric(10,1) FROM tpch.orders WHERE o_orderkey < 30 ORDER BY 1
-- date functions on real columns
SELECT date_trunc('month', o_orderdate), count(*) FROM tpch.orders GROUP BY 1 ORDER BY 1 LIMIT 12
SELECT date_trunc('year', o_orderdate) AS y, sum(o_totalprice) FROM tpch.orders GROUP BY 1 ORDER BY 1
SELECT extract(year FROM o_orderdate), count(*) FROM tpch.orders GROUP BY 1 ORDER BY 1
SELECT extract(month FROM l_shipdate) AS m, count(*) FROM tpch.lineitem GROUP BY m ORDER BY m
SELECT extract(quarter FROM o_orderdate) AS q, extract(dow FROM o_orderdate) AS dow, count(*) FROM tpch.orders GROUP BY 1, 2 ORDER BY 1, 2
SELECT count(*) FROM tpch.lineitem WHERE l_shipdate >= DATE '1995-01-01' AND l_shipdate < DATE '1995-01-01' + interval '1 year'
SELECT count(*) FROM tpch.lineitem WHERE l_shipdate <= DATE '1998-12-01' - interval '90 days'
-- TPC-H shaped aggregates with LIMIT, FILTER and windows
SELECT l_returnflag, l_linestatus, count(*) FILTER (WHERE l_discount > 0.05), count(*) FROM tpch.lineitem GROUP BY 1, 2 ORDER BY 1, 2
SELECT n_name, sum(c_acctbal) FROM tpch.customer JOIN tpch.nation ON c_nationkey = n_nationkey GROUP BY n_name ORDER BY 2 DESC LIMIT 5
SELECT o_orderpriority, count(*), count(DISTINCT o_custkey) FROM tpch.orders GROUP BY o_orderpriority ORDER BY 1
SELECT * FROM tpch.nation LIMIT 0
SELECT * FROM tpch.region OFFSET 10
SELECT r_name FROM tpch.region ORDER BY r_name LIMIT 2 OFFSET 4
-- char(1) group keys run as code points (CharGroupKeys): flags alone, with other keys, NULL from an outer join, DISTINCT
SELECT l_returnflag, l_linestatus, count(*), sum(l_quantity), avg(l_extendedprice) FROM tpch.lineitem GROUP BY l_returnflag, l_linestatus ORDER BY 1, 2
SELECT o_orderstatus, o_orderpriority, count(*) FROM tpch.orders GROUP BY o_orderstatus, o_orderpriority ORDER BY 1, 2
SELECT l_linestatus, l_shipmode, max(l_shipdate) FROM tpch.lineitem WHERE l_quantity > 45 GROUP BY l_shipmode, l_linestatus
SELECT c_custkey % 7, o_orderstatus, count(*), count(o_orderkey) FROM tpch.customer LEFT JOIN tpch.orders ON o_custkey = c_custkey AND o_totalprice > 300000 GROUP BY 1, 2
SELECT DISTINCT l_returnflag FROM tpch.lineitem WHERE l_shipdate > DATE '1995-06-01'
SELECT o_orderstatus, count(*) FROM tpch.orders GROUP BY o_orderstatus HAVING count(*) > 10 ORDER BY o_orderstatus DESC
