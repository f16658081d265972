package io.rhei.core.schema;

import io.rhei.core.model.TableId;

import java.util.Optional;
import java.util.Set;

/** The tables a component holds, with their current schemas: what catalog listings (Flight SQL, pg_catalog) show. */
public interface TableCatalog {
    Set<TableId> tables();

    Optional<TableSchema> schema(TableId table);
}
