package io.rhei.core.model;

/**
 * The value of a column the source did not send because it did not change (PostgreSQL TOAST columns
 * under REPLICA IDENTITY DEFAULT). It means "keep the previous value", never a value of its own.
 */
public enum Unchanged {
    VALUE;

    @Override
    public String toString() {
        return "<unchanged>";
    }
}
