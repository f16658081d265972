package io.rhei.testing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The demo's OLTP application: a small shop (customers, products, orders, order_items) and a steady stream of
 * transactions against it: new orders with their items, status changes, cancellations (deletes) and price changes.
 */
public final class ShopWorkload implements Runnable {
    public static final String[] STATUSES = {"new", "paid", "shipped", "delivered"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "PL", "ES", "IT", "SE", "US", "BR", "JP"};
    private static final String[] CATEGORIES = {"books", "garden", "kitchen", "toys", "tools", "music"};

    private final Supplier<Connection> connections;
    private final int transactionsPerSecond;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong rowChanges = new AtomicLong();
    private final Random rnd = new Random(2026);
    private volatile Throwable failure;
    private long maxOrderId;

    public ShopWorkload(Supplier<Connection> connections, int transactionsPerSecond) {
        this.connections = connections;
        this.transactionsPerSecond = transactionsPerSecond;
    }

    /** Creates the schema and the customers and products (before capture starts: they arrive by snapshot). */
    public static void createSchema(Connection c, int customers, int products) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id int4 PRIMARY KEY, name text NOT NULL, email text, country char(2), "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
            st.execute("CREATE TABLE products (id int4 PRIMARY KEY, name text NOT NULL, category text, price numeric(10,2) NOT NULL)");
            st.execute("CREATE TABLE orders (id int8 PRIMARY KEY, customer_id int4 NOT NULL, status text NOT NULL, "
                    + "total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
            st.execute("CREATE TABLE order_items (order_id int8, line int4, product_id int4 NOT NULL, qty int4 NOT NULL, "
                    + "price numeric(10,2) NOT NULL, PRIMARY KEY (order_id, line))");
            st.execute("INSERT INTO customers (id, name, email, country) SELECT g, 'customer ' || g, 'c' || g || '@example.com', "
                    + "(ARRAY['" + String.join("','", COUNTRIES) + "'])[1 + g % " + COUNTRIES.length + "] FROM generate_series(1, " + customers + ") g");
            st.execute("INSERT INTO products SELECT g, 'product ' || g, (ARRAY['" + String.join("','", CATEGORIES) + "'])[1 + g % "
                    + CATEGORIES.length + "], round((5 + (g * 37 % 200))::numeric + 0.99, 2) FROM generate_series(1, " + products + ") g");
        }
    }

    public long committed() {
        return committed.get();
    }

    public long rowChanges() {
        return rowChanges.get();
    }

    public Throwable failure() {
        return failure;
    }

    public void stop() {
        stop.set(true);
    }

    @Override
    public void run() {
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            int customers = count(c, "customers");
            int products = count(c, "products");
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders (id, customer_id, status, total) VALUES (?, ?, 'new', ?)");
                 PreparedStatement item = c.prepareStatement("INSERT INTO order_items VALUES (?, ?, ?, ?, (SELECT price FROM products WHERE id = ?))");
                 PreparedStatement total = c.prepareStatement("UPDATE orders SET total = (SELECT coalesce(sum(qty * price), 0) FROM order_items WHERE order_id = ?) WHERE id = ?");
                 PreparedStatement advance = c.prepareStatement("UPDATE orders SET status = ? WHERE id = ? AND status = ?");
                 PreparedStatement cancelItems = c.prepareStatement("DELETE FROM order_items WHERE order_id = ?");
                 PreparedStatement cancel = c.prepareStatement("DELETE FROM orders WHERE id = ? AND status = 'new'");
                 PreparedStatement price = c.prepareStatement("UPDATE products SET price = round(price * ?, 2) WHERE id = ?")) {
                long start = System.nanoTime();
                long n = 0;
                while (!stop.get()) {
                    long due = start + n * 1_000_000_000L / transactionsPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    n++;
                    int changes = 0;
                    int dice = rnd.nextInt(100);
                    if (dice < 60 || maxOrderId == 0) {
                        long id = ++maxOrderId;
                        order.setLong(1, id);
                        order.setInt(2, 1 + rnd.nextInt(customers));
                        order.setBigDecimal(3, BigDecimal.ZERO.setScale(2));
                        order.executeUpdate();
                        int lines = 1 + rnd.nextInt(4);
                        for (int l = 1; l <= lines; l++) {
                            int product = 1 + rnd.nextInt(products);
                            item.setLong(1, id);
                            item.setInt(2, l);
                            item.setInt(3, product);
                            item.setInt(4, 1 + rnd.nextInt(5));
                            item.setInt(5, product);
                            item.addBatch();
                        }
                        item.executeBatch();
                        total.setLong(1, id);
                        total.setLong(2, id);
                        total.executeUpdate();
                        changes = 2 + lines + 1;
                    } else if (dice < 90) {
                        int from = rnd.nextInt(STATUSES.length - 1);
                        advance.setString(1, STATUSES[from + 1]);
                        advance.setLong(2, 1 + (long) rnd.nextInt((int) Math.min(Integer.MAX_VALUE, maxOrderId)));
                        advance.setString(3, STATUSES[from]);
                        changes = advance.executeUpdate();
                    } else if (dice < 97) {
                        long id = 1 + (long) rnd.nextInt((int) Math.min(Integer.MAX_VALUE, maxOrderId));
                        cancel.setLong(1, id);
                        if (cancel.executeUpdate() == 1) {
                            cancelItems.setLong(1, id);
                            changes = 1 + cancelItems.executeUpdate();
                        }
                    } else {
                        price.setBigDecimal(1, BigDecimal.valueOf(90 + rnd.nextInt(21), 2));
                        price.setInt(2, 1 + rnd.nextInt(products));
                        changes = price.executeUpdate();
                    }
                    c.commit();
                    committed.incrementAndGet();
                    rowChanges.addAndGet(changes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
    }

    private static int count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
