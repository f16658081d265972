package io.rhei.core.model;

/** What a change did. The code is what the log stores: never renumber. */
public enum Operation {
    /** A row read by the initial snapshot: an upsert for the sink. */
    SNAPSHOT_READ((byte) 'r'),
    INSERT((byte) 'c'),
    UPDATE((byte) 'u'),
    DELETE((byte) 'd'),
    /** Every row of the table removed; the event carries no key and no images. */
    TRUNCATE((byte) 't');

    private final byte code;

    Operation(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** True for the operations whose after image becomes the row's new state. */
    public boolean isUpsert() {
        return this == SNAPSHOT_READ || this == INSERT || this == UPDATE;
    }

    public static Operation fromCode(byte code) {
        switch (code) {
            case 'r': return SNAPSHOT_READ;
            case 'c': return INSERT;
            case 'u': return UPDATE;
            case 'd': return DELETE;
            case 't': return TRUNCATE;
            default: throw new IllegalArgumentException("unknown operation code " + (code & 0xff));
        }
    }
}
