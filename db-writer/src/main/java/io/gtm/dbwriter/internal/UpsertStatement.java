package io.gtm.dbwriter.internal;

import java.util.List;
import java.util.stream.Collectors;

/**
 * SQL of a multi-row idempotent upsert: {@code INSERT ... SELECT FROM unnest($1::type[], ...)
 * ON CONFLICT (key) DO UPDATE SET <columns sent>} (or {@code DO NOTHING}). One array parameter
 * per column; names come only from {@link Schema}.
 */
public final class UpsertStatement {
  private UpsertStatement() {}

  public static String sql(Schema.Table table, List<String> columns) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(q(table.name())).append(" (")
        .append(columns.stream().map(UpsertStatement::q).collect(Collectors.joining(", ")))
        .append(") SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      ColumnType type = table.type(c);
      sql.append(i == 0 ? "" : ", ").append("u.").append(q(c));
      if (type == ColumnType.JSONB || type == ColumnType.TIMESTAMPTZ) {
        sql.append("::").append(type.sqlType());
      }
    }
    sql.append(" FROM unnest(");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append('$').append(i + 1).append("::")
          .append(table.type(columns.get(i)).arrayElementType()).append("[]");
    }
    sql.append(") AS u(").append(columns.stream().map(UpsertStatement::q).collect(Collectors.joining(", ")))
        .append(") ON CONFLICT (")
        .append(table.key().stream().map(UpsertStatement::q).collect(Collectors.joining(", ")))
        .append(") ");
    List<String> updated = columns.stream().filter(c -> !table.key().contains(c)).toList();
    if (table.onConflict() == Schema.OnConflict.NOTHING || (updated.isEmpty() && !table.stampsUpdatedAt())) {
      return sql.append("DO NOTHING").toString();
    }
    sql.append("DO UPDATE SET ")
        .append(updated.stream().map(c -> q(c) + " = EXCLUDED." + q(c)).collect(Collectors.joining(", ")));
    if (table.stampsUpdatedAt() && !columns.contains("updated_at")) {
      sql.append(updated.isEmpty() ? "" : ", ").append("\"updated_at\" = now()");
    }
    return sql.toString();
  }

  private static String q(String identifier) {
    return '"' + identifier + '"';
  }
}
