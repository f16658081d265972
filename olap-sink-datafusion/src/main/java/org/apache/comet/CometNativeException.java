package org.apache.comet;

/** Thrown by the native side for most execution errors. */
public class CometNativeException extends CometRuntimeException {
    public CometNativeException(String message) {
        super(message);
    }
}
