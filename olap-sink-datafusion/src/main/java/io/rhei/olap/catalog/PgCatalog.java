package io.rhei.olap.catalog;

import io.rhei.core.model.SqlIdentifiers;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.olap.sql.SessionInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.rhei.core.schema.ColumnType.BOOLEAN;
import static io.rhei.core.schema.ColumnType.FLOAT32;
import static io.rhei.core.schema.ColumnType.INT16;
import static io.rhei.core.schema.ColumnType.INT32;
import static io.rhei.core.schema.ColumnType.INT64;

/**
 * PostgreSQL's catalogs for Rhei's tables: {@code pg_catalog} and {@code information_schema} as real tables generated
 * from the tables' schemas, which queries read like any other table. OIDs are stable: a table's is derived from its
 * name. Columns of PostgreSQL types Rhei lacks are text ({@code name}, {@code "char"}, {@code int2vector} as
 * PostgreSQL prints them) or int8 ({@code oid}).
 */
public final class PgCatalog {
    static final long PG_CATALOG_OID = 11;
    static final long PUBLIC_OID = 2200;
    static final long INFORMATION_SCHEMA_OID = 13_183;
    static final long OWNER_OID = 10;
    public static final long DATABASE_OID = 16_384;
    static final long DEFAULT_TABLESPACE_OID = 1663;
    /** PostgreSQL's OIDs of the catalog tables, for {@code 'pg_class'::regclass}. */
    public static final Map<String, Long> SYSTEM_TABLE_OIDS = Map.ofEntries(Map.entry("pg_class", 1259L), Map.entry("pg_namespace", 2615L),
            Map.entry("pg_attribute", 1249L), Map.entry("pg_type", 1247L), Map.entry("pg_index", 2610L), Map.entry("pg_constraint", 2606L),
            Map.entry("pg_description", 2609L), Map.entry("pg_database", 1262L), Map.entry("pg_roles", 1260L), Map.entry("pg_proc", 1255L),
            Map.entry("pg_settings", 12_000L), Map.entry("pg_am", 2601L), Map.entry("pg_enum", 3501L), Map.entry("pg_attrdef", 2604L),
            Map.entry("pg_stat_activity", 12_001L), Map.entry("pg_collation", 3456L), Map.entry("pg_tablespace", 1213L));

    /** The rows of {@code information_schema._pg_expandarray(pg_index.indkey)}, a table of pg_catalog kept out of pg_class. */
    public static final String INDEX_KEYS = "rhei_index_keys";
    /** Catalog tables of features Rhei's read-only copy has none of: always empty (queries over them, EmptyCatalogTables). */
    public static final java.util.Set<String> ALWAYS_EMPTY = java.util.Set.of("pg_policy", "pg_statistic_ext", "pg_statistic_ext_data",
            "pg_publication", "pg_publication_rel", "pg_publication_namespace", "pg_inherits", "pg_trigger", "pg_rewrite",
            "pg_partitioned_table", "pg_foreign_table", "pg_sequence", "pg_event_trigger", "pg_subscription", "pg_extension",
            "pg_auth_members");
    /** pg_index's and pg_constraint's column of the definition {@code pg_get_indexdef} / {@code pg_get_constraintdef} give. */
    public static final String DEFINITION_COLUMN = "rhei_definition";
    /** The text {@code pg_get_indexdef} and {@code pg_get_constraintdef} give for an index or constraint OID. */
    public static final String DEFINITIONS = "rhei_definitions";

    /** The text a {@code regclass} value prints as (PostgreSQL's regclassout): each table's and index's name by OID. */
    public static final String REGCLASS_NAMES = "rhei_regclass_names";
    /** The text a {@code regtype} value prints as (regtypeout, {@code format_type(oid, NULL)}): each type's name by OID. */
    public static final String REGTYPE_NAMES = "rhei_regtype_names";

    /**
     * Each synced table's bytes (in memory, or its files) by OID, with pg_size_pretty's text of them: what
     * {@code pg_table_size} and its kin give. Its rows are made when a query reads it, as sizes change with every
     * commit ({@link CatalogStorage}).
     */
    public static final String RELATION_SIZES = "rhei_relation_sizes";

    /** The parser's keywords, lower case, and whether each is reserved: read once, as they never change. */
    private static final Map<String, Boolean> KEYWORDS = keywords();

    private static Map<String, Boolean> keywords() {
        org.apache.calcite.sql.parser.SqlAbstractParserImpl.Metadata parser = org.apache.calcite.sql.parser.SqlParser.create("").getMetadata();
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String word : new TreeSet<>(parser.getTokens())) {
            if (word.matches("[A-Z_]+")) {
                out.put(word.toLowerCase(java.util.Locale.ROOT), parser.isReservedWord(word));
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** A PostgreSQL type Rhei's columns are reported as: OID, name, length, category. */
    public record PgType(long oid, String name, int length, String category) {
    }

    public static final List<PgType> TYPES = List.of(new PgType(16, "bool", 1, "B"), new PgType(17, "bytea", -1, "U"),
            new PgType(18, "char", 1, "Z"), new PgType(19, "name", 64, "S"), new PgType(20, "int8", 8, "N"),
            new PgType(21, "int2", 2, "N"), new PgType(23, "int4", 4, "N"), new PgType(25, "text", -1, "S"),
            new PgType(26, "oid", 4, "N"), new PgType(114, "json", -1, "U"), new PgType(700, "float4", 4, "N"),
            new PgType(701, "float8", 8, "N"), new PgType(1042, "bpchar", -1, "S"), new PgType(1043, "varchar", -1, "S"),
            new PgType(1082, "date", 4, "D"), new PgType(1083, "time", 8, "D"), new PgType(1114, "timestamp", 8, "D"),
            new PgType(1184, "timestamptz", 8, "D"), new PgType(1700, "numeric", -1, "N"), new PgType(2950, "uuid", 16, "U"),
            new PgType(3802, "jsonb", -1, "U"));

    private PgCatalog() {
    }

    static long namespaceOid(String schema) {
        return switch (schema) {
            case "pg_catalog" -> PG_CATALOG_OID;
            case "public" -> PUBLIC_OID;
            case "information_schema" -> INFORMATION_SCHEMA_OID;
            default -> 20_000 + (schema.hashCode() & 0x3FFF_FFFFL);
        };
    }

    public static long tableOid(TableId id) {
        if (id.schema().equals("pg_catalog") && SYSTEM_TABLE_OIDS.containsKey(id.table())) {
            return SYSTEM_TABLE_OIDS.get(id.table());
        }
        // even: the table's primary key index takes the next one
        return 2 * (1_000_000_000L + (id.toString().hashCode() & 0x3FFF_FFFFL));
    }

    static long typeOid(ColumnType t) {
        return switch (t.kind()) {
            case BOOLEAN -> 16;
            case INT16 -> 21;
            case INT32 -> 23;
            case INT64 -> 20;
            case FLOAT32 -> 700;
            case FLOAT64 -> 701;
            case DECIMAL -> 1700;
            case TEXT -> 25;
            case CHAR -> 1042;
            case BYTES -> 17;
            case DATE -> 1082;
            case TIME -> 1083;
            case TIMESTAMP -> 1114;
            case TIMESTAMPTZ -> 1184;
            case UUID -> 2950;
            case JSON -> 114;
        };
    }

    /** PostgreSQL's atttypmod: numeric packs (precision << 16 | scale) + 4, char(n) n + 4; -1 for none. */
    static int typmod(ColumnType t) {
        return switch (t.kind()) {
            case DECIMAL -> ((t.precision() << 16) | t.scale()) + 4;
            case CHAR -> t.precision() > 0 ? t.precision() + 4 : -1;
            default -> -1;
        };
    }

    /** {@code format_type}'s text: the SQL name PostgreSQL shows for a column type. */
    public static String formatType(ColumnType t) {
        return io.rhei.core.schema.PostgresTypeNames.of(t);
    }

    /** The catalog tables for {@code tables}, in a fixed order. */
    static List<SystemTable> build(List<TableSchema> tables) {
        Map<String, SystemTable> out = new LinkedHashMap<>();
        TreeSet<String> schemas = new TreeSet<>(List.of("public"));
        tables.forEach(t -> schemas.add(t.table().schema()));

        SystemTable namespace = table(out, "pg_namespace").key("oid", INT64).text("nspname").col("nspowner", INT64).text("nspacl");
        namespace.row(PG_CATALOG_OID, "pg_catalog", OWNER_OID, null).row(INFORMATION_SCHEMA_OID, "information_schema", OWNER_OID, null);
        for (String s : schemas) {
            namespace.row(namespaceOid(s), s, OWNER_OID, null);
        }

        SystemTable cls = table(out, "pg_class").key("oid", INT64).text("relname").col("relnamespace", INT64).col("reltype", INT64)
                .col("relowner", INT64).col("relam", INT64).col("reltuples", FLOAT32).col("relhasindex", BOOLEAN)
                .text("relpersistence", "relkind").col("relnatts", INT16).col("relchecks", INT16).col("relhasrules", BOOLEAN)
                .col("relhastriggers", BOOLEAN).col("relrowsecurity", BOOLEAN).col("relforcerowsecurity", BOOLEAN)
                .col("relispartition", BOOLEAN).text("reloptions", "relacl").col("reltoastrelid", INT64).col("reloftype", INT64)
                .col("reltablespace", INT64).text("relreplident", "relpartbound");
        SystemTable attribute = table(out, "pg_attribute").key("attrelid", INT64).text("attname").col("atttypid", INT64)
                .col("attlen", INT16).key("attnum", INT16).col("atttypmod", INT32).col("attnotnull", BOOLEAN).col("atthasdef", BOOLEAN)
                .text("attidentity", "attgenerated").col("attisdropped", BOOLEAN).col("attcollation", INT64)
                .text("attstorage", "attcompression").col("attstattarget", INT16);
        SystemTable index = table(out, "pg_index").key("indexrelid", INT64).col("indrelid", INT64).col("indnatts", INT16)
                .col("indnkeyatts", INT16).col("indisunique", BOOLEAN).col("indisprimary", BOOLEAN).col("indisvalid", BOOLEAN).text("indkey")
                .col("indisclustered", BOOLEAN).col("indisreplident", BOOLEAN).col("indisexclusion", BOOLEAN).col("indimmediate", BOOLEAN)
                .text(DEFINITION_COLUMN);
        SystemTable definitions = table(out, DEFINITIONS).key("oid", INT64).text("definition");
        // information_schema._pg_expandarray(indkey) as rows (IndexKeyExpansion joins it): x the attnum, n its position
        SystemTable regclassNames = table(out, REGCLASS_NAMES).key("oid", INT64).text("name");
        SystemTable indexKeys = table(out, INDEX_KEYS).key("indexrelid", INT64).col("x", INT16).key("n", INT32);
        SystemTable constraint = table(out, "pg_constraint").key("oid", INT64).text("conname").col("connamespace", INT64)
                .text("contype").col("conrelid", INT64).col("conindid", INT64).text("conkey").col("condeferrable", BOOLEAN)
                .col("condeferred", BOOLEAN).col("convalidated", BOOLEAN).col("conparentid", INT64).col("confrelid", INT64)
                .col("conislocal", BOOLEAN).text("confkey", DEFINITION_COLUMN);
        SystemTable infoTables = info(out, "tables").text("table_catalog", "table_schema", "table_name", "table_type", "is_insertable_into");
        SystemTable infoColumns = info(out, "columns").text("table_catalog", "table_schema", "table_name", "column_name")
                .col("ordinal_position", INT32).text("column_default", "is_nullable", "data_type").col("character_maximum_length", INT32)
                .col("numeric_precision", INT32).col("numeric_scale", INT32).col("datetime_precision", INT32).text("udt_name");
        SystemTable infoConstraints = info(out, "table_constraints").text("constraint_catalog", "constraint_schema", "constraint_name",
                "table_catalog", "table_schema", "table_name", "constraint_type");
        SystemTable keyUsage = info(out, "key_column_usage").text("constraint_catalog", "constraint_schema", "constraint_name",
                "table_catalog", "table_schema", "table_name", "column_name").col("ordinal_position", INT32);
        String db = SessionInfo.DATABASE;

        List<TableId> systemIds = new ArrayList<>();
        for (String name : SYSTEM_TABLE_OIDS.keySet().stream().sorted().toList()) {
            systemIds.add(TableId.of("pg_catalog", name));
        }
        for (TableId id : systemIds) {
            regclassNames.row(tableOid(id), regclassName(id.schema(), id.table()));
            cls.row(tableOid(id), id.table(), PG_CATALOG_OID, 0L, OWNER_OID, 2L, -1f, false, "p", "r", (short) 0, (short) 0, false, false,
                    false, false, false, null, null, 0L, 0L, 0L, "n", null);
        }
        for (TableSchema t : tables) {
            TableId id = t.table();
            long oid = tableOid(id);
            long ns = namespaceOid(id.schema());
            boolean keyed = t.hasPrimaryKey();
            regclassNames.row(oid, regclassName(id.schema(), id.table()));
            cls.row(oid, id.table(), ns, 0L, OWNER_OID, 2L, -1f, keyed, "p", "r", (short) t.columns().size(), (short) 0, false, false,
                    false, false, false, null, null, 0L, 0L, 0L, "d", null);
            infoTables.row(db, id.schema(), id.table(), "BASE TABLE", "NO");
            int num = 0;
            for (Column c : t.columns()) {
                num++;
                ColumnType ct = c.type();
                attribute.row(oid, c.name(), typeOid(ct), (short) length(ct), (short) num, typmod(ct), !c.nullable(), false, "", "", false,
                        ct.kind() == ColumnType.Kind.TEXT || ct.kind() == ColumnType.Kind.CHAR ? 100L : 0L,
                        storage(ct), "", (short) -1);
                infoColumns.row(db, id.schema(), id.table(), c.name(), num, null, c.nullable() ? "YES" : "NO", dataType(ct),
                        ct.kind() == ColumnType.Kind.CHAR && ct.precision() > 0 ? ct.precision() : null, numericPrecision(ct),
                        numericScale(ct), datetimePrecision(ct), udtName(ct));
            }
            if (keyed) {
                long indexOid = oid + 1;
                String key = id.table() + "_pkey";
                StringBuilder indkey = new StringBuilder();
                StringBuilder conkey = new StringBuilder("{");
                int ordinal = 0;
                for (int p : t.keyPositions()) {
                    indexKeys.row(indexOid, (short) (p + 1), ++ordinal);
                    indkey.append(indkey.length() > 0 ? " " : "").append(p + 1);
                    conkey.append(conkey.length() > 1 ? "," : "").append(p + 1);
                }
                regclassNames.row(indexOid, regclassName(id.schema(), key));
                cls.row(indexOid, key, ns, 0L, OWNER_OID, 403L, -1f, false, "p", "i", (short) t.primaryKey().size(), (short) 0, false,
                        false, false, false, false, null, null, 0L, 0L, 0L, "n", null);
                long constraintOid = oid + 1_000_000_000L;
                String columns = t.primaryKey().stream().map(SqlIdentifiers::quote).collect(java.util.stream.Collectors.joining(", "));
                String indexDef = "CREATE UNIQUE INDEX " + SqlIdentifiers.quote(key) + " ON " + SqlIdentifiers.quote(id.schema()) + "."
                        + SqlIdentifiers.quote(id.table()) + " USING btree (" + columns + ")";
                String constraintDef = "PRIMARY KEY (" + columns + ")";
                index.row(indexOid, oid, (short) t.primaryKey().size(), (short) t.primaryKey().size(), true, true, true, indkey.toString(),
                        false, false, false, true, indexDef);
                constraint.row(constraintOid, key, ns, "p", oid, indexOid, conkey.append('}').toString(), false, false, true, 0L, 0L,
                        true, null, constraintDef);
                definitions.row(indexOid, indexDef);
                definitions.row(constraintOid, constraintDef);
                infoConstraints.row(db, id.schema(), key, db, id.schema(), id.table(), "PRIMARY KEY");
                int pos = 0;
                for (String k : t.primaryKey()) {
                    keyUsage.row(db, id.schema(), key, db, id.schema(), id.table(), k, ++pos);
                }
            }
        }

        SystemTable type = table(out, "pg_type").key("oid", INT64).text("typname").col("typnamespace", INT64).col("typowner", INT64)
                .col("typlen", INT16).col("typbyval", BOOLEAN).text("typtype", "typcategory").col("typrelid", INT64).col("typelem", INT64)
                .col("typarray", INT64).col("typbasetype", INT64).col("typtypmod", INT32).col("typnotnull", BOOLEAN).text("typdelim")
                .col("typcollation", INT64).col("typinput", INT64);
        for (PgType t : TYPES) {
            // typinput is a regproc, an OID here: no type is an array, so none is array_in's (750)
            type.row(t.oid(), t.name(), PG_CATALOG_OID, OWNER_OID, (short) t.length(), t.length() > 0 && t.length() <= 8, "b", t.category(),
                    0L, 0L, 0L, 0L, -1, false, ",", t.category().equals("S") ? 100L : 0L, 0L);
        }
        SystemTable regtypeNames = table(out, REGTYPE_NAMES).key("oid", INT64).text("name");
        TYPES.forEach(t -> regtypeNames.row(t.oid(), regtypeName(t.name())));
        SystemTable keywords = table(out, "pg_get_keywords").text("word", "catcode").col("barelabel", BOOLEAN).text("catdesc", "baredesc");
        KEYWORDS.forEach((word, reserved) -> keywords.row(word, reserved ? "R" : "U", !reserved, reserved ? "reserved" : "unreserved",
                reserved ? "requires AS" : "can be bare label"));
        table(out, "pg_description").col("objoid", INT64).col("classoid", INT64).col("objsubid", INT32).text("description");
        table(out, "pg_attrdef").col("oid", INT64).key("adrelid", INT64).key("adnum", INT16).text("adbin");
        table(out, "pg_collation").key("oid", INT64).text("collname").col("collnamespace", INT64).text("collprovider")
                .row(100L, "default", PG_CATALOG_OID, "d").row(950L, "C", PG_CATALOG_OID, "c");
        table(out, "pg_database").key("oid", INT64).text("datname").col("datdba", INT64).col("encoding", INT32)
                .text("datcollate", "datctype").col("datistemplate", BOOLEAN).col("datallowconn", BOOLEAN).col("datconnlimit", INT32)
                .text("datacl", "datlocprovider", "daticulocale", "daticurules", "datlocale").col("dattablespace", INT64)
                .row(DATABASE_OID, db, OWNER_OID, 6, "C.UTF-8", "C.UTF-8", false, true, -1, null, "c", null, null, null, DEFAULT_TABLESPACE_OID);
        table(out, "pg_tablespace").key("oid", INT64).text("spcname").col("spcowner", INT64).text("spcacl", "spcoptions")
                .row(DEFAULT_TABLESPACE_OID, "pg_default", OWNER_OID, null, null).row(1664L, "pg_global", OWNER_OID, null, null);
        table(out, "pg_roles").text("rolname").col("oid", INT64).col("rolsuper", BOOLEAN).col("rolinherit", BOOLEAN)
                .col("rolcreaterole", BOOLEAN).col("rolcreatedb", BOOLEAN).col("rolcanlogin", BOOLEAN).col("rolreplication", BOOLEAN)
                .col("rolconnlimit", INT32).col("rolvaliduntil", ColumnType.TIMESTAMPTZ).col("rolbypassrls", BOOLEAN).text("rolconfig")
                .row(SessionInfo.USER, OWNER_OID, false, true, false, false, true, false, -1, null, false, null);
        SystemTable settings = table(out, "pg_settings").text("name", "setting", "unit", "category", "short_desc", "context", "vartype", "source");
        SessionInfo.settings().forEach((k, v) -> settings.row(k, v, null, "Rhei", null, "user", "string", "default"));
        table(out, "pg_am").key("oid", INT64).text("amname", "amtype").row(2L, "heap", "t").row(403L, "btree", "i");
        table(out, "pg_proc").key("oid", INT64).text("proname").col("pronamespace", INT64).col("prorettype", INT64).text("prokind");
        table(out, "pg_enum").col("oid", INT64).col("enumtypid", INT64).col("enumsortorder", FLOAT32).text("enumlabel");
        table(out, "pg_stat_activity").col("datid", INT64).text("datname").col("pid", INT32).text("usename", "application_name",
                "client_addr", "state", "query");
        ALWAYS_EMPTY.stream().sorted().forEach(name -> table(out, name).key("oid", INT64));
        out.put("pg_catalog." + RELATION_SIZES, relationSizes(Map.of()));
        SystemTable schemata = info(out, "schemata").text("catalog_name", "schema_name", "schema_owner");
        for (String s : List.of("information_schema", "pg_catalog")) {
            schemata.row(db, s, SessionInfo.USER);
        }
        for (String s : schemas) {
            schemata.row(db, s, SessionInfo.USER);
        }
        return new ArrayList<>(out.values());
    }

    private static SystemTable table(Map<String, SystemTable> out, String name) {
        return out.computeIfAbsent("pg_catalog." + name, SystemTable::of);
    }

    private static SystemTable info(Map<String, SystemTable> out, String name) {
        return out.computeIfAbsent("information_schema." + name, SystemTable::of);
    }

    /** The {@link #RELATION_SIZES} table for these tables' sizes in bytes. */
    static SystemTable relationSizes(Map<TableId, Long> bytes) {
        SystemTable sizes = SystemTable.of("pg_catalog." + RELATION_SIZES).key("oid", INT64).col("bytes", INT64).text("pretty");
        bytes.forEach((table, n) -> sizes.row(tableOid(table), n, prettySize(n)));
        // the database's row: pg_database_size, the sum of its tables
        long total = bytes.values().stream().mapToLong(Long::longValue).sum();
        sizes.row(DATABASE_OID, total, prettySize(total));
        return sizes;
    }

    /**
     * {@code pg_size_pretty(bigint)} as PostgreSQL computes it: bytes below 10 kB, then the first unit (kB, MB, GB,
     * TB, PB) in which the value, halved and rounded away from zero, stays below 20480.
     */
    public static String prettySize(long size) {
        if (Math.abs(size) < 10 * 1024) {
            return size + " bytes";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        long v = size / 512; // one bit more than the unit: the last bit rounds
        for (String unit : units) {
            if (Math.abs(v) < 20 * 1024 - 1) {
                return halfRounded(v) + " " + unit;
            }
            v /= 1024;
        }
        return halfRounded(v) + " PB";
    }

    private static long halfRounded(long v) {
        return (v + (v < 0 ? -1 : 1)) / 2;
    }

    /** regclassout: the name, quoted where needed, qualified when its schema is not on the search path. */
    private static String regclassName(String schema, String name) {
        boolean visible = schema.equals("pg_catalog") || schema.equals("public");
        return (visible ? "" : SqlIdentifiers.quote(schema) + ".") + SqlIdentifiers.quote(name);
    }

    /** regtypeout: the SQL name of a type ({@code format_type(oid, NULL)}). */
    private static String regtypeName(String typname) {
        return switch (typname) {
            case "bool" -> "boolean";
            case "char" -> "\"char\"";
            case "int2" -> "smallint";
            case "int4" -> "integer";
            case "int8" -> "bigint";
            case "float4" -> "real";
            case "float8" -> "double precision";
            case "bpchar" -> "character";
            case "varchar" -> "character varying";
            case "time" -> "time without time zone";
            case "timestamp" -> "timestamp without time zone";
            case "timestamptz" -> "timestamp with time zone";
            default -> typname;
        };
    }

    /** PostgreSQL's typstorage, which psql's \\d+ shows: fixed-length types plain, numeric main, the rest extended. */
    private static String storage(ColumnType t) {
        return t.kind() == ColumnType.Kind.DECIMAL ? "m" : length(t) > 0 ? "p" : "x";
    }

    private static int length(ColumnType t) {
        return switch (t.kind()) {
            case BOOLEAN -> 1;
            case INT16 -> 2;
            case INT32, FLOAT32, DATE -> 4;
            case INT64, FLOAT64, TIME, TIMESTAMP, TIMESTAMPTZ -> 8;
            case UUID -> 16;
            default -> -1;
        };
    }

    private static String dataType(ColumnType t) {
        return switch (t.kind()) {
            case CHAR -> "character";
            case DECIMAL -> "numeric";
            case UUID -> "uuid";
            case JSON -> "json";
            default -> formatType(t);
        };
    }

    private static String udtName(ColumnType t) {
        for (PgType p : TYPES) {
            if (p.oid() == typeOid(t)) {
                return p.name();
            }
        }
        return "text";
    }

    private static Integer numericPrecision(ColumnType t) {
        return switch (t.kind()) {
            case INT16 -> 16;
            case INT32 -> 32;
            case INT64 -> 64;
            case FLOAT32 -> 24;
            case FLOAT64 -> 53;
            case DECIMAL -> t.precision();
            default -> null;
        };
    }

    private static Integer numericScale(ColumnType t) {
        return switch (t.kind()) {
            case INT16, INT32, INT64 -> 0;
            case DECIMAL -> t.scale();
            default -> null;
        };
    }

    private static Integer datetimePrecision(ColumnType t) {
        return switch (t.kind()) {
            case DATE -> 0;
            case TIME, TIMESTAMP, TIMESTAMPTZ -> 6;
            default -> null;
        };
    }
}
