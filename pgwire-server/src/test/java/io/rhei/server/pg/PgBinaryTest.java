package io.rhei.server.pg;

import org.junit.jupiter.api.Test;
import org.postgresql.util.ByteConverter;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Binary numeric against pgjdbc's own codec, which follows PostgreSQL's numeric_send and numeric_recv. */
class PgBinaryTest {
    private static final List<String> VALUES = List.of("0", "0.00", "1", "-1", "10000", "12345.678", "-0.0335", "0.00001",
            "1E+10", "123456789012345678901234567890.12", "-6250000.00", "0.03351935741752137100000000000000000000",
            "99999999999999999999999999999999999999", "1.5E-30", "100000000", "0.1000");

    @Test
    void numericsDecodeAsPgjdbcDecodesThemAndReadBack() {
        for (String s : VALUES) {
            BigDecimal v = new BigDecimal(s);
            byte[] ours = PgBinary.numeric(v);
            assertEquals(0, v.compareTo(new BigDecimal(ByteConverter.numeric(ours).toString())), s);
            assertEquals(v.stripTrailingZeros(), PgBinary.readNumeric(ByteBuffer.wrap(ByteConverter.numeric(v))).stripTrailingZeros(), s);
            assertEquals(v.stripTrailingZeros(), PgBinary.readNumeric(ByteBuffer.wrap(ours)).stripTrailingZeros(), s);
        }
    }
}
