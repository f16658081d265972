package org.apache.spark;

/** Constructed by the native side for errors with Spark error classes (overflow, division by zero). */
public class SparkException extends RuntimeException {
    public SparkException(String message) {
        super(message);
    }

    public SparkException(String message, Throwable cause) {
        super(message, cause);
    }
}
