package org.apache.spark.sql.comet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values of scalar subqueries, computed by Rhei before the plan that uses them runs, keyed by (plan id, subquery
 * id). The native side calls the static getters when it evaluates a {@code Subquery} expression.
 */
public final class CometScalarSubquery {
    private static final Map<String, Object> VALUES = new ConcurrentHashMap<>();
    private static final Object NULL = new Object();

    private CometScalarSubquery() {
    }

    private static String key(long planId, long id) {
        return planId + ":" + id;
    }

    public static void setSubquery(long planId, long id, Object value) {
        VALUES.put(key(planId, id), value == null ? NULL : value);
    }

    public static void removeSubquery(long planId, long id) {
        VALUES.remove(key(planId, id));
    }

    private static Object get(long planId, long id) {
        Object v = VALUES.get(key(planId, id));
        if (v == null) {
            throw new IllegalStateException("scalar subquery " + id + " of plan " + planId + " has no value");
        }
        return v;
    }

    public static boolean isNull(long planId, long id) {
        return get(planId, id) == NULL;
    }

    public static boolean getBoolean(long planId, long id) {
        return (Boolean) get(planId, id);
    }

    public static byte getByte(long planId, long id) {
        return ((Number) get(planId, id)).byteValue();
    }

    public static short getShort(long planId, long id) {
        return ((Number) get(planId, id)).shortValue();
    }

    public static int getInt(long planId, long id) {
        return ((Number) get(planId, id)).intValue();
    }

    public static long getLong(long planId, long id) {
        return ((Number) get(planId, id)).longValue();
    }

    public static float getFloat(long planId, long id) {
        return ((Number) get(planId, id)).floatValue();
    }

    public static double getDouble(long planId, long id) {
        return ((Number) get(planId, id)).doubleValue();
    }

    /** The unscaled value, big-endian two's complement. */
    public static byte[] getDecimal(long planId, long id) {
        return ((BigDecimal) get(planId, id)).unscaledValue().toByteArray();
    }

    public static String getString(long planId, long id) {
        return (String) get(planId, id);
    }

    public static byte[] getBinary(long planId, long id) {
        Object v = get(planId, id);
        return v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) v;
    }
}
