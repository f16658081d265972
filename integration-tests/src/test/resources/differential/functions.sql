-- every function of the README's table, over columns with NULLs and over constants
SELECT id, translate(t, 'ab', 'xy'), chr(65 + id % 26), ascii(t), regexp_replace(t, '[aeiou]', '_') FROM types_t WHERE id < 40 ORDER BY id
SELECT id, cbrt(f8), sin(f8 / 1000), cos(f8 / 1000), tan(f8 / 10000), atan(f8), pi() FROM types_t WHERE f8 IS NOT NULL AND id > 3 ORDER BY id
SELECT id, degrees(f8 / 1000), radians(f8), atan2(f8, 2), asin(0.5), acos(0.5) FROM types_t WHERE id BETWEEN 5 AND 30 ORDER BY id
SELECT make_date(2024, 2, 29), make_date(1999, 12, 31)
SELECT id, make_date(extract(year FROM d)::int, extract(month FROM d)::int, 1) FROM types_t WHERE id > 3 ORDER BY id
SELECT now() > TIMESTAMP '2020-01-01 00:00:00', current_date > DATE '2020-01-01', current_timestamp > TIMESTAMP '2020-01-01 00:00:00'
SELECT count(*) FROM orders WHERE placed < now()
SELECT upper('abc'), lower('ÄÖÜ'), initcap('hello wORLD'), length('李四'), octet_length('李四'), reverse('abc'), repeat('ab', 3)
SELECT left('abcdef', 2), right('abcdef', 2), left('abcdef', -2), right('abcdef', -2), lpad('7', 3, '0'), rpad('ab', 4, '.')
SELECT ltrim('  ab  '), rtrim('  ab  '), btrim('xxabxx', 'x'), trim('  ab  '), trim(LEADING 'x' FROM 'xxab'), trim(TRAILING 'x' FROM 'abxx')
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5), strpos('hello', 'l'), position('lo' IN 'hello'), replace('banana', 'an', 'AN')
SELECT concat('a', NULL, 1, true), concat_ws('-', 'a', NULL, 'b'), 'a' || NULL, 'x' || 1, starts_with('hello', 'he'), md5('abc')
SELECT substring('hello' FROM 2 FOR 3), substring('hello' FROM 0 FOR 3), substring('hello' FROM 4), substring('hello' FROM 10 FOR 2)
SELECT id, substring(t FROM 2), substring(t FROM 1 FOR 2), substring(vc FROM 3 FOR 10) FROM types_t ORDER BY id
SELECT round(2.5), round(-2.5), round(2.345, 2), round(-2.345, 2), round(1234.5678, -2), trunc(2.789), trunc(-2.789), trunc(2.789, 1)
SELECT round(2.5::float8), round(3.5::float8), round(-2.5::float8), ceil(2.1), floor(-2.1), ceil(-2.1::float8), floor(2.9::float8)
SELECT sign(-3), sign(0), sign(2.5), mod(7, 3), mod(-7, 3), mod(7, -3), 7 % 3, -7 % 3, power(2, 10), sqrt(16), exp(0), ln(1), log(1000), log10(100), log(2, 8)
SELECT abs(-7), abs(-7.25), abs(-1.5::float8), greatest(1, 5, 3), least(1, 5, 3), greatest('a', 'c', 'b'), greatest(1, NULL, 3), least(NULL, 2)
SELECT id, greatest(d, DATE '2022-01-01'), least(n, 0), greatest(i2, i4) FROM types_t ORDER BY id
SELECT 7 / 2, -7 / 2, 7 / -2, 7.0 / 2, 1 / 3.0, 10 / 4.0, 2::numeric / 3, 100::numeric / 7
SELECT CAST('123' AS integer), CAST(' 42 ' AS int), CAST('1.5' AS numeric), CAST('2024-03-01' AS date), CAST('2024-03-01 10:11:12' AS timestamp)
SELECT CAST(true AS text), CAST(false AS varchar), CAST('true' AS boolean), CAST('f' AS boolean), CAST(1 AS boolean), CAST(0 AS boolean)
SELECT CAST(2.5 AS int), CAST(3.5 AS int), CAST(-2.5 AS int), CAST(2.49 AS bigint), CAST(2.5::float8 AS int), CAST(-3.5::float4 AS int), CAST(1e3 AS smallint)
SELECT id, CAST(b AS text), CAST(i4 AS text), CAST(n AS text), CAST(d AS text) FROM types_t WHERE id > 3 AND id < 30 ORDER BY id
SELECT id, CAST(i4 AS numeric(12,2)), CAST(n AS numeric(20,1)), CAST(f8 AS numeric(30,4)) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, CAST(t AS char(3)), CAST(c AS varchar), CAST(c AS text) || '|' FROM types_t ORDER BY id
SELECT date_trunc('day', TIMESTAMP '2024-05-17 13:14:15'), date_trunc('month', DATE '2024-05-17'), date_trunc('week', TIMESTAMP '2024-05-17 13:14:15'), date_trunc('quarter', DATE '2024-05-17')
SELECT extract(year FROM DATE '2024-05-17'), extract(dow FROM DATE '2024-05-19'), extract(isodow FROM DATE '2024-05-19'), extract(doy FROM DATE '2024-12-31'), extract(week FROM DATE '2024-12-31')
SELECT extract(epoch FROM TIMESTAMP '2024-05-17 10:00:00.5'), extract(second FROM TIMESTAMP '2024-05-17 10:00:07.25'), date_part('dow', DATE '2024-05-17')
SELECT id, extract(milliseconds FROM ts), extract(microseconds FROM ts) FROM types_t ORDER BY id
SELECT id, extract(epoch FROM tz), extract(hour FROM tz), date_trunc('hour', tz) FROM types_t ORDER BY id
SELECT id, date_trunc('minute', ts), date_trunc('second', ts), date_trunc('milliseconds', ts) FROM types_t ORDER BY id
SELECT CAST(DATE '2024-01-31' + interval '1 month' AS date), CAST(DATE '2024-03-01' - interval '1 day' AS date), TIMESTAMP '2024-01-01 10:00:00' + interval '2 hours'
SELECT count(*) FROM orders WHERE placed BETWEEN TIMESTAMP '2024-03-01 00:00:00' AND TIMESTAMP '2024-03-01 00:00:00' + interval '1 week'
