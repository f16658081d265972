package io.rhei.cdc;

import io.rhei.testing.EmbeddedPostgresServer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A writer thread for tests: inserts new keys, updates {@code v = v + 1} and deletes existing keys of one table at
 * random, one autocommitted statement at a time, until stopped. The table has a key {@code id} and an integer
 * {@code v}; {@code insertRest} is the rest of an inserted row's values after the key (e.g. {@code ", 1, 'new'"}).
 */
final class RandomWrites {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    RandomWrites(EmbeddedPostgresServer pg, String table, String insertRest, int existingKeys, long seed, long pauseMillis) {
        thread = new Thread(() -> {
            Random rnd = new Random(seed);
            long next = existingKeys + 1L;
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    switch (rnd.nextInt(3)) {
                        case 0 -> st.execute("INSERT INTO " + table + " VALUES (" + (next++) + insertRest + ")");
                        case 1 -> st.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + (1 + rnd.nextInt(existingKeys)));
                        default -> st.execute("DELETE FROM " + table + " WHERE id = " + (1 + rnd.nextInt(existingKeys)));
                    }
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            } catch (SQLException e) {
                throw new RuntimeException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "writes-" + table);
    }

    RandomWrites start() {
        thread.start();
        return this;
    }

    /** Stops the writer and waits until its last statement is committed. */
    void stop() throws InterruptedException {
        stop.set(true);
        if (thread.isAlive()) {
            thread.join();
        }
    }
}
