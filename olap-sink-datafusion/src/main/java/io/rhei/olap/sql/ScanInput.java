package io.rhei.olap.sql;

import io.rhei.core.model.TableId;

import java.util.List;

/** One native {@code Scan} of a plan: which table, and which of its columns, in the order the scan declares them. */
public record ScanInput(TableId table, List<String> columns) {
}
