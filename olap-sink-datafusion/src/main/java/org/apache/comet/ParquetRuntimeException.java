package org.apache.comet;

/** Thrown by the native side for Parquet errors. */
public class ParquetRuntimeException extends CometRuntimeException {
    public ParquetRuntimeException(String message) {
        super(message);
    }
}
