package io.gtm.dbwriter.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of one flush. Rows are grouped by table and column set (one multi-row statement
 * per group) and de-duplicated on the table's key: the last row wins for updating tables, the first
 * for insert-only ones, so that Postgres never sees one key twice in a statement.
 *
 * <p>When a key comes back with a different column set, a new segment starts: segments run in
 * order, so the result is the same as applying every row one after the other.
 */
public final class BatchPlan {

  /** One multi-row statement: every row has exactly {@code columns}, in that order. */
  public record Group(Schema.Table table, List<String> columns, List<Object[]> rows) {}

  private record GroupId(String table, List<String> columns) {}

  private final List<Segment> segments = new ArrayList<>();
  private int rows;

  /** Adds normalised rows (see {@link Schema.Table#normalize}) of one table. */
  public void add(Schema.Table table, List<Map<String, Object>> normalizedRows) {
    for (Map<String, Object> row : normalizedRows) {
      add(table, row);
    }
  }

  public void add(Schema.Table table, Map<String, Object> row) {
    List<String> columns = List.copyOf(row.keySet());
    List<Object> key = new ArrayList<>(table.key().size());
    for (String k : table.key()) {
      key.add(row.get(k));
    }
    Segment segment = segments.isEmpty() ? null : segments.get(segments.size() - 1);
    if (segment == null || segment.conflicts(table.name(), key, columns)) {
      segment = new Segment();
      segments.add(segment);
    }
    if (segment.put(table, columns, key, row.values().toArray())) {
      rows++;
    }
  }

  /** Segments in order; each a list of statements whose keys never overlap. */
  public List<List<Group>> segments() {
    List<List<Group>> out = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      List<Group> groups = new ArrayList<>(s.groups.size());
      s.groups.forEach((id, byKey) ->
          groups.add(new Group(Schema.table(id.table()), id.columns(), new ArrayList<>(byKey.values()))));
      out.add(groups);
    }
    return out;
  }

  /** Rows after de-duplication. */
  public int rowCount() {
    return rows;
  }

  public int statementCount() {
    return segments.stream().mapToInt(s -> s.groups.size()).sum();
  }

  private static final class Segment {
    final Map<GroupId, LinkedHashMap<List<Object>, Object[]>> groups = new LinkedHashMap<>();
    /** table -> key -> column set that holds it in this segment. */
    final Map<String, Map<List<Object>, List<String>>> keyColumns = new HashMap<>();

    boolean conflicts(String table, List<Object> key, List<String> columns) {
      Map<List<Object>, List<String>> keys = keyColumns.get(table);
      List<String> held = keys == null ? null : keys.get(key);
      return held != null && !held.equals(columns);
    }

    /** @return true if the row is new in this segment (not a duplicate key) */
    boolean put(Schema.Table table, List<String> columns, List<Object> key, Object[] values) {
      keyColumns.computeIfAbsent(table.name(), t -> new HashMap<>()).put(key, columns);
      LinkedHashMap<List<Object>, Object[]> byKey =
          groups.computeIfAbsent(new GroupId(table.name(), columns), id -> new LinkedHashMap<>());
      if (!byKey.containsKey(key)) {
        byKey.put(key, values);
        return true;
      }
      if (table.onConflict() == Schema.OnConflict.UPDATE) {
        byKey.put(key, values);
      }
      return false;
    }
  }
}
