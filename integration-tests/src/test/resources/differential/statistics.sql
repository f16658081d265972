-- stddev and variance of integer and numeric columns: numeric, as in PostgreSQL, but computed in double precision
-- (the native aggregates), so they are compared to 14 significant digits where PostgreSQL computes every digit
SELECT stddev(total), stddev_samp(qty), stddev_pop(weight), variance(qty), var_samp(total), var_pop(qty) FROM orders
SELECT stddev_pop(qty), var_pop(qty) FROM orders
