package org.apache.spark.sql.comet;

/** Constructed by the native side (value, from type, to type) when a checked cast overflows. */
public class CastOverflowException extends RuntimeException {
    public CastOverflowException(String value, String fromType, String toType) {
        super("the value " + value + " of type " + fromType + " does not fit in " + toType);
    }
}
