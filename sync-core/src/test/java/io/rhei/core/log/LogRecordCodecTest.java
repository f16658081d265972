package io.rhei.core.log;

import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogRecordCodecTest {
    static final TableSchema ALL_TYPES = TableSchema.builder(TableId.parse("shop.all_types"))
            .key("id", ColumnType.INT64)
            .column("b", ColumnType.BOOLEAN).column("i2", ColumnType.INT16).column("i4", ColumnType.INT32)
            .column("f4", ColumnType.FLOAT32).column("f8", ColumnType.FLOAT64).column("num", ColumnType.decimal(38, 9))
            .column("t", ColumnType.TEXT).column("bin", ColumnType.BYTES).column("d", ColumnType.DATE)
            .column("tm", ColumnType.TIME).column("ts", ColumnType.TIMESTAMP).column("tstz", ColumnType.TIMESTAMPTZ)
            .column("u", ColumnType.UUID).column("j", ColumnType.JSON)
            .build();

    static Row fullRow(long id) {
        return Row.of(id, true, (short) -32768, Integer.MAX_VALUE, Float.NaN, -0.0d,
                new BigDecimal("-12345678901234567890123456789.123456789"), "ünïcødé ✓ 𝄞", new byte[]{0, -1, 127, -128},
                LocalDate.of(-44, 3, 15), LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(2026, 11, 25, 6, 0, 0, 123_456_000),
                Instant.parse("1969-12-31T23:59:59.999999Z"), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                "{\"a\": [1, 2, {\"b\": null}]}");
    }

    private final LogRecordCodec codec = new LogRecordCodec();

    private LogRecord roundTrip(LogRecord r) {
        byte[] bytes = codec.toBytes(r);
        assertTrue(codec.checksumMatches(bytes, 0, bytes.length));
        return codec.decode(bytes, 0, bytes.length);
    }

    @Test
    void everyTypeRoundTrips() {
        SourcePosition pos = new SourcePosition(-2, Long.MAX_VALUE, 7);
        ChangeEvent e = ChangeEvent.upsert(Operation.INSERT, ALL_TYPES.table(), 1, RowKey.of(42L), fullRow(42), pos, 99, 123)
                .withSeq(5);
        assertEquals(e, roundTrip(e));
    }

    /** Decimals of up to 8 bytes are decoded as longs: every byte length and sign, at each side of each boundary. */
    @Test
    void decimalsRoundTripWithTheirDigitsAndScaleAtEveryByteLength() {
        List<BigDecimal> values = new java.util.ArrayList<>(List.of(BigDecimal.ZERO, new BigDecimal("0.00"), new BigDecimal("-0.01"),
                new BigDecimal("1E+5"), new BigDecimal("-12345678901234567890.5")));
        for (int bits = 1; bits <= 72; bits++) {
            java.math.BigInteger edge = java.math.BigInteger.ONE.shiftLeft(bits - 1);
            for (java.math.BigInteger u : List.of(edge, edge.subtract(java.math.BigInteger.ONE), edge.negate(), edge.negate().subtract(java.math.BigInteger.ONE))) {
                values.add(new BigDecimal(u, bits % 7));
            }
        }
        TableSchema schema = TableSchema.builder(TableId.parse("shop.prices")).key("id", ColumnType.INT64).column("p", ColumnType.decimal(38, 6)).build();
        for (BigDecimal v : values) {
            ChangeEvent e = ChangeEvent.upsert(Operation.INSERT, schema.table(), 1, RowKey.of(1L), Row.of(1L, v), new SourcePosition(1, 1, 0), 1, 1)
                    .withSeq(1);
            BigDecimal back = (BigDecimal) ((ChangeEvent) roundTrip(e)).after().get(1);
            assertEquals(v.unscaledValue(), back.unscaledValue(), v.toString());
            assertEquals(v.scale(), back.scale(), v.toString());
        }
    }

    @Test
    void nullsUnchangedAndBeforeImagesRoundTrip() {
        Object[] values = new Object[ALL_TYPES.columnCount()];
        values[0] = 7L;
        values[7] = Unchanged.VALUE;
        Row after = Row.wrap(values);
        ChangeEvent update = new ChangeEvent(9, ALL_TYPES.table(), Operation.UPDATE, 3, RowKey.of(7L), fullRow(7), after,
                new SourcePosition(10, 11, 0), 1, 2);
        ChangeEvent back = (ChangeEvent) roundTrip(update);
        assertEquals(update, back);
        assertTrue(back.after().isUnchanged(7));
        ChangeEvent truncate = ChangeEvent.truncate(ALL_TYPES.table(), 1, new SourcePosition(12, 12, 0), 3, 4).withSeq(10);
        assertEquals(truncate, roundTrip(truncate));
        ChangeEvent delete = ChangeEvent.delete(ALL_TYPES.table(), 1, RowKey.of(7L), null, new SourcePosition(13, 13, 0), 3, 4).withSeq(11);
        assertEquals(delete, roundTrip(delete));
    }

    @Test
    void schemaWithDefaultsAndDecimalsRoundTrips() {
        TableSchema v2 = ALL_TYPES.evolve(appendColumn(ALL_TYPES, new Column("added", ColumnType.decimal(10, 2), false, new BigDecimal("1.50"))));
        SchemaChange sc = SchemaChange.of(v2, new SourcePosition(1, 2, 3)).withSeq(77);
        assertEquals(sc, roundTrip(sc));
    }

    private static List<Column> appendColumn(TableSchema s, Column c) {
        var cols = new java.util.ArrayList<>(s.columns());
        cols.add(c);
        return cols;
    }

    @Test
    void anyFlippedBitFailsTheChecksum() {
        ChangeEvent e = ChangeEvent.upsert(Operation.INSERT, ALL_TYPES.table(), 1, RowKey.of(1L), fullRow(1), new SourcePosition(1, 1, 0), 1, 1)
                .withSeq(1);
        byte[] bytes = codec.toBytes(e);
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                bytes[i] ^= (byte) (1 << bit);
                assertFalse(codec.checksumMatches(bytes, 0, bytes.length), "flip of bit " + bit + " in byte " + i + " went unnoticed");
                bytes[i] ^= (byte) (1 << bit);
            }
        }
    }

    @Test
    void unknownFormatVersionIsRefusedWithAClearMessage() {
        ChangeEvent e = ChangeEvent.truncate(ALL_TYPES.table(), 1, new SourcePosition(1, 1, 0), 1, 1).withSeq(1);
        byte[] bytes = codec.toBytes(e);
        bytes[0] = 99;
        MalformedRecordException ex = assertThrows(MalformedRecordException.class, () -> codec.decode(bytes, 0, bytes.length));
        assertTrue(ex.getMessage().contains("99"), ex.getMessage());
    }

    @Test
    void valueOfTheWrongClassIsRefusedAtEncodeNamingTheValue() {
        ChangeEvent bad = ChangeEvent.upsert(Operation.INSERT, ALL_TYPES.table(), 1, RowKey.of(1L),
                Row.of(1L, new StringBuilder("x")), new SourcePosition(1, 1, 0), 1, 1);
        MalformedRecordException ex = assertThrows(MalformedRecordException.class, () -> codec.toBytes(bad));
        assertTrue(ex.getMessage().contains("StringBuilder") || ex.getMessage().contains("x"), ex.getMessage());
    }
}
