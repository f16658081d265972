package io.rhei.core.schema;

import io.rhei.core.RheiException;

/** A row or a schema change that does not fit the table's schema; the message names table, column and value. */
public class SchemaException extends RheiException {
    public SchemaException(String message) {
        super(message);
    }
}
