package io.rhei.olap.sql;

import io.rhei.olap.physical.LoweredPlan;

import io.rhei.core.model.TableId;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plans by SQL text, so a query run again (a dashboard refreshing, a service's fixed queries) skips Calcite's
 * parsing, validation and optimisation (5 to 50 ms for TPC-H queries). A plan is reused only while every table it
 * reads has the schema it was planned for and a row count within a tenth of the one its estimates used;
 * otherwise the query is planned again. The least recently used plans go first beyond {@code capacity}.
 */
final class PlanCache {
    private final int capacity;
    private final Map<String, Entry> plans;

    /** The state of one table a plan was made for. */
    record TableVersion(io.rhei.core.schema.TableSchema schema, long rows) {
    }

    private record Entry(LoweredPlan plan, Map<TableId, TableVersion> tables) {
    }

    PlanCache(int capacity) {
        this.capacity = capacity;
        this.plans = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > PlanCache.this.capacity;
            }
        };
    }

    /** Whether plans are kept at all (a capacity of 0 keeps none). */
    boolean enabled() {
        return capacity > 0;
    }

    /** The plan made for {@code sql}, if the tables it reads are still as it assumed. */
    Optional<LoweredPlan> get(String sql, TableStorage storage) {
        if (capacity == 0) {
            return Optional.empty();
        }
        Entry e;
        synchronized (plans) {
            e = plans.get(sql);
        }
        if (e == null) {
            return Optional.empty();
        }
        for (Map.Entry<TableId, TableVersion> t : e.tables.entrySet()) {
            if (!stillAsPlanned(storage, t.getKey(), t.getValue())) {
                synchronized (plans) {
                    plans.remove(sql, e);
                }
                return Optional.empty();
            }
        }
        return Optional.of(e.plan);
    }

    void put(String sql, LoweredPlan plan, Map<TableId, TableVersion> tables) {
        if (capacity == 0) {
            return;
        }
        synchronized (plans) {
            plans.put(sql, new Entry(plan, Map.copyOf(tables)));
        }
    }

    private static boolean stillAsPlanned(TableStorage storage, TableId id, TableVersion planned) {
        // the whole schema, not only its version: a table dropped and created again starts its versions anew
        if (!storage.schema(id).map(planned.schema()::equals).orElse(false)) {
            return false;
        }
        try (TableSnapshot snapshot = storage.snapshot(id)) {
            long rows = snapshot.rowCount();
            return Math.abs(rows - planned.rows()) <= Math.max(1000, planned.rows() / 10);
        } catch (RuntimeException gone) {
            return false;
        }
    }
}
