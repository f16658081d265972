package io.rhei.core.schema;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaEvolutionTest {
    private static final TableSchema V1 = TableSchema.builder(TableId.parse("shop.items"))
            .key("id", ColumnType.INT32).column("qty", ColumnType.INT16).column("price", ColumnType.decimal(10, 2))
            .column("note", ColumnType.TEXT).build();

    private static List<Column> cols(TableSchema s) {
        return new ArrayList<>(s.columns());
    }

    @Test
    void addDropAndWidenProjectOldRowsWithoutRewriting() {
        List<Column> c = cols(V1);
        c.set(1, c.get(1).withType(ColumnType.INT64));
        c.set(2, c.get(2).withType(ColumnType.decimal(20, 4)));
        c.remove(3);
        TableSchema v2 = V1.evolve(c);
        assertEquals(List.of("note"), SchemaEvolution.between(V1, v2).dropped().stream().map(Column::name).toList());
        List<Column> c3 = cols(v2);
        c3.add(new Column("status", ColumnType.TEXT, false, "new"));
        TableSchema v3 = v2.evolve(c3);
        assertEquals(List.of("status"), SchemaEvolution.between(v2, v3).added().stream().map(Column::name).toList());
        Row old = Row.of(1, (short) 3, new BigDecimal("9.99"), "gone");
        assertEquals(Row.of(1, 3L, new BigDecimal("9.9900"), "new"), SchemaEvolution.project(old, V1, v3));
    }

    @Test
    void dropAndAddAtOnceIsRefusedAsAPossibleRename() {
        List<Column> c = cols(V1);
        c.set(3, Column.nullable("remark", ColumnType.TEXT));
        SchemaException e = assertThrows(SchemaException.class, () -> V1.evolve(c));
        assertTrue(e.getMessage().contains("rename"), e.getMessage());
    }

    @Test
    void refusesKeyChangesNarrowingRenamesAndRequiredColumnsWithoutDefault() {
        List<Column> narrowed = cols(V1);
        narrowed.set(2, narrowed.get(2).withType(ColumnType.decimal(5, 1)));
        assertThrows(SchemaException.class, () -> V1.evolve(narrowed));

        List<Column> retyped = cols(V1);
        retyped.set(3, retyped.get(3).withType(ColumnType.INT32));
        SchemaException e = assertThrows(SchemaException.class, () -> V1.evolve(retyped));
        assertTrue(e.getMessage().contains("note"), e.getMessage());

        List<Column> required = cols(V1);
        required.add(Column.required("must", ColumnType.INT32));
        assertThrows(SchemaException.class, () -> V1.evolve(required));

        List<Column> droppedKey = cols(V1);
        droppedKey.remove(0);
        assertThrows(RuntimeException.class, () -> new TableSchema(V1.table(), 2, droppedKey, List.of("id")));
    }

    @Test
    void validateNamesTableColumnAndValue() {
        SchemaException e = assertThrows(SchemaException.class, () -> V1.validate(Row.of(1, (short) 1, new BigDecimal("123456789.1"), null), false));
        assertTrue(e.getMessage().contains("shop.items.price") && e.getMessage().contains("123456789.1"), e.getMessage());
    }

    @Test
    void arrowMappingFollowsTheDocumentedTable() {
        assertEquals(new ArrowType.Decimal(10, 2, 128), ArrowSchemas.arrowType(ColumnType.decimal(10, 2)));
        assertEquals(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC"), ArrowSchemas.arrowType(ColumnType.TIMESTAMPTZ));
        assertEquals(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null), ArrowSchemas.arrowType(ColumnType.TIMESTAMP));
        assertEquals(ArrowType.Utf8.INSTANCE, ArrowSchemas.arrowType(ColumnType.UUID));
        assertEquals(ArrowType.Utf8.INSTANCE, ArrowSchemas.arrowType(ColumnType.JSON));
        assertEquals(4, ArrowSchemas.schema(V1).getFields().size());
    }
}
