-- every type with NULLs, unicode, negatives and boundaries
SELECT * FROM types_t
SELECT id, c, vc, t FROM types_t ORDER BY id
SELECT id FROM types_t WHERE c = 'ab'
SELECT id FROM types_t WHERE c = 'ab   '
SELECT id FROM types_t WHERE c <> 'ab'
SELECT id FROM types_t WHERE c < 'abc' ORDER BY id
SELECT id FROM types_t WHERE c IN ('a', 'x y', 'Zoë') ORDER BY id
SELECT id FROM types_t WHERE (c IN ('ab', 'x y  ', 'abcdefgh') AND id < 40) OR (c IN ('a', ' b', 'Zoë') AND vc IS NOT NULL) ORDER BY id
SELECT id FROM types_t WHERE c NOT IN ('ab', 'abcdefgh', 'x y') ORDER BY id
SELECT id FROM types_t WHERE c NOT IN ('abcdefgh', 'abcdefghi') ORDER BY id
SELECT a.id, b.id FROM types_t a JOIN types_t b ON a.id = b.id + 1 AND (a.c = 'ab' OR b.c IN ('a', 'x y', 'abcdef')) ORDER BY 1, 2
SELECT a.id, b.id FROM types_t a LEFT JOIN types_t b ON a.id = b.id + 2 AND (a.c IN ('ab', 'ABC') OR b.c = ' b  ') ORDER BY 1, 2
SELECT id FROM types_t WHERE c LIKE 'ab%' ORDER BY id
SELECT id FROM types_t WHERE c LIKE 'ab' ORDER BY id
SELECT id FROM types_t WHERE c = vc ORDER BY id
SELECT id FROM types_t WHERE vc = 'ab ' ORDER BY id
SELECT id FROM types_t WHERE vc = 'ab' ORDER BY id
SELECT c, count(*) FROM types_t GROUP BY c
SELECT DISTINCT c FROM types_t
SELECT id, length(c), length(vc), octet_length(c), c || '|', vc || '|' FROM types_t ORDER BY id
SELECT id, upper(c), lower(t), CAST(c AS text) FROM types_t ORDER BY id
SELECT id, CAST(vc AS char(4)) FROM types_t ORDER BY id
SELECT a.id, b.id FROM types_t a JOIN types_t b ON a.c = b.c WHERE a.id < 20 AND b.id < 20
SELECT id, i2, i4, i8 FROM types_t WHERE i4 > 0 ORDER BY i4, id
SELECT sum(i2), sum(i4), min(i8), max(i8), count(i8) FROM types_t WHERE id > 3
SELECT avg(i2), avg(i4), avg(n) FROM types_t
SELECT avg(i8) FROM types_t WHERE id > 3
SELECT id, i4 / 7, i4 % 7, -i4 / 7, i2 * 2 FROM types_t WHERE id > 3 ORDER BY id
SELECT id, n / 3, n * 2, n + 0.5, n - i4 FROM types_t WHERE id > 3 ORDER BY id
SELECT id, n / i4 FROM types_t WHERE id > 3 AND i4 <> 0 ORDER BY id
SELECT id, f4, f8, f8 / 3, f4 * 2 FROM types_t ORDER BY id
SELECT id, CAST(f8 AS integer), CAST(f4 AS int), CAST(n AS bigint) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, CAST(n AS integer), CAST(-2.5 AS integer), CAST(2.5 AS integer), CAST(2.5::float8 AS integer), CAST(3.5::float8 AS integer) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, round(n), round(n, 2), round(f8), trunc(n), trunc(n, 1), ceil(n), floor(n) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, round(i4 + 0.5::float8), round(i4 - 0.5::float8), round(i4 * 1.5::float8), round(i4 / 3.0::float8), CAST(i4 / 2.0::float8 AS int), CAST(-i4 / 4.0::float8 AS bigint) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, abs(i4), sign(i4), mod(i4, 7), power(f8, 2), sqrt(abs(f8)) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, exp(f8 / 1000), ln(abs(f8) + 1), log(abs(f8) + 1) FROM types_t WHERE id > 3 ORDER BY id
SELECT id, greatest(i4, i2, 0), least(i4, i2, 0) FROM types_t ORDER BY id
SELECT id, b, NOT b, b AND i4 > 0, b OR i4 > 0 FROM types_t ORDER BY id
SELECT id, CAST(b AS text), CAST(b AS varchar) FROM types_t ORDER BY id
SELECT count(*) FILTER (WHERE b), count(*) FILTER (WHERE NOT b), count(b) FROM types_t
SELECT bool_and(b), bool_or(b), every(b) FROM types_t
SELECT id, d, ts FROM types_t ORDER BY d, id
SELECT id, d FROM types_t WHERE d > DATE '2021-06-01' ORDER BY id
SELECT id, ts FROM types_t WHERE ts < TIMESTAMP '2024-01-01 00:00:00' ORDER BY id
SELECT id, tz FROM types_t ORDER BY tz, id
SELECT id, date_trunc('day', ts), date_trunc('hour', ts), date_trunc('week', ts), date_trunc('quarter', ts) FROM types_t ORDER BY id
SELECT id, date_trunc('month', d), date_trunc('year', d) FROM types_t ORDER BY id
SELECT id, date_trunc('day', tz), date_trunc('minute', tz) FROM types_t ORDER BY id
SELECT id, extract(year FROM d), extract(month FROM d), extract(day FROM d), extract(doy FROM d), extract(dow FROM d) FROM types_t ORDER BY id
SELECT id, extract(hour FROM ts), extract(minute FROM ts), extract(week FROM ts) FROM types_t ORDER BY id
SELECT id, extract(isodow FROM d) FROM types_t ORDER BY id
SELECT id, extract(second FROM ts), extract(epoch FROM ts) FROM types_t ORDER BY id
SELECT id, date_part('year', d), date_part('month', ts) FROM types_t ORDER BY id
SELECT id, vc ILIKE 'AB%', t NOT ILIKE '%CASE%' FROM types_t ORDER BY id
SELECT id FROM types_t WHERE vc ILIKE 'zoË' ORDER BY id
SELECT id, left(t, 2), right(t, 2), lpad(vc, 6, '*'), rpad(vc, 6, '-') FROM types_t ORDER BY id
SELECT id, ltrim(t), rtrim(t), btrim(t), btrim(t, 'a') FROM types_t ORDER BY id
SELECT id, split_part(t, ' ', 1), split_part(t, ' ', 2), strpos(t, 'b'), position('b' in t) FROM types_t ORDER BY id
SELECT id, replace(t, 'a', 'A'), concat(vc, '-', i4), concat_ws('/', vc, t, i4) FROM types_t ORDER BY id
SELECT id, initcap(t), reverse(t), repeat(vc, 2), starts_with(t, 'ab'), md5(t) FROM types_t ORDER BY id
SELECT id, char_length(t), octet_length(t), length(t) FROM types_t ORDER BY id
SELECT id FROM types_t WHERE i4 NOT IN (1, 2, NULL)
SELECT id FROM types_t WHERE i4 IN (SELECT i4 FROM types_t WHERE id < 10)
SELECT id FROM types_t WHERE i4 NOT IN (SELECT i4 FROM types_t WHERE id < 10)
SELECT id FROM types_t WHERE i4 NOT IN (SELECT i4 FROM types_t WHERE id BETWEEN 4 AND 10 AND i4 IS NOT NULL)
SELECT id, CASE WHEN i4 > 0 THEN 'pos' WHEN i4 < 0 THEN 'neg' END, nullif(i4, 0), coalesce(i2, i4, -1) FROM types_t ORDER BY id
SELECT count(*), count(DISTINCT c), count(DISTINCT vc), count(t) FROM types_t
