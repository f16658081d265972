package io.rhei.storage;

import io.rhei.core.schema.ColumnType;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArrowValuesTest {
    /** Decimals whose digits fit a long are written as one; the rest through BigDecimal: both read back as written. */
    @Test
    void decimalsOfEverySignAndSizeReadBackAsWritten() {
        List<BigDecimal> values = List.of(new BigDecimal("0.00"), new BigDecimal("-1.50"), new BigDecimal("-92233720368547758.08"),
                new BigDecimal("92233720368547758.07"), new BigDecimal("-92233720368547758.09"), new BigDecimal("92233720368547758.08"),
                new BigDecimal("-999999999999999999999999999999999999.99"), new BigDecimal("1.5"));
        ColumnType type = ColumnType.decimal(38, 2);
        try (RootAllocator root = new RootAllocator(); DecimalVector v = new DecimalVector("d", root, 38, 2)) {
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                ArrowValues.set(v, i, type, values.get(i));
            }
            v.setValueCount(values.size());
            for (int i = 0; i < values.size(); i++) {
                assertEquals(values.get(i).setScale(2), ArrowValues.get(v, i, type));
            }
        }
    }

    /** char(n) is stored as PostgreSQL stores it: n characters, padded, or cut where only blanks pass n. */
    @Test
    void charValuesAreStoredPaddedToTheirLengthAndLongerTextIsRefused() {
        ColumnType type = ColumnType.bpchar(3);
        List<String> written = List.of("a", "", "abc", "ab  ", "é", "\uD83D\uDE00b");
        List<String> stored = List.of("a  ", "   ", "abc", "ab ", "é  ", "\uD83D\uDE00b ");
        try (RootAllocator root = new RootAllocator(); org.apache.arrow.vector.VarCharVector v = new org.apache.arrow.vector.VarCharVector("c", root)) {
            v.allocateNew();
            for (int i = 0; i < written.size(); i++) {
                ArrowValues.set(v, i, type, written.get(i));
            }
            v.setValueCount(written.size());
            for (int i = 0; i < written.size(); i++) {
                assertEquals(stored.get(i), ArrowValues.get(v, i, type));
            }
            io.rhei.core.RheiException e = assertThrows(io.rhei.core.RheiException.class, () -> ArrowValues.set(v, 0, type, "abcd"));
            assertTrue(e.getMessage().contains("value too long for type character(3): 'abcd'"), e.getMessage());
            ArrowValues.set(v, 0, ColumnType.bpchar(0), "x"); // bpchar without a length keeps what it is given
            assertEquals("x", ArrowValues.get(v, 0, ColumnType.bpchar(0)));
        }
    }
}
