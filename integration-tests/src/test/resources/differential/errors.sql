-- queries PostgreSQL fails at run time: Rhei must fail them with the same SQLSTATE, never answer them
SELECT (SELECT qty FROM orders o WHERE o.customer_id = c.id) FROM customers c
SELECT c.id FROM customers c WHERE c.credit > (SELECT total FROM orders)
SELECT c.id, (SELECT o.status FROM orders o WHERE o.customer_id = c.id) FROM customers c WHERE c.id < 50
SELECT c.id, (SELECT o.placed FROM orders o WHERE o.customer_id = c.id AND o.qty > 1) FROM customers c
SELECT id / (qty - qty) FROM orders
