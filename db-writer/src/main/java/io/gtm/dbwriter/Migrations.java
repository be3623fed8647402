package io.gtm.dbwriter;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations ({@code db/migration/V<n>__<name>.sql} on the class path). Each one
 * runs once, in its own transaction, recorded in {@code schema_version}; a session advisory lock
 * makes concurrent starts (several processes, parallel tests) wait for each other.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** In order; a new migration is a new file here, never an edit of an applied one. */
  static final List<String> FILES = List.of("V1__init.sql", "V2__research_takeover.sql");

  /** Arbitrary constant shared by every db-writer: the advisory lock's key. */
  private static final long LOCK_KEY = 0x67746d5f64627731L;

  private Migrations() {}

  record Migration(int version, String name, String sql) {}

  /** Applies the missing migrations; the future holds the versions applied now (empty if up to date). */
  static Future<List<Integer>> apply(Vertx vertx, Pool pool) {
    return vertx.executeBlocking(Migrations::load, false)
        .compose(migrations -> pool.getConnection().compose(conn -> locked(conn, migrations)
            .eventually(() -> conn.close())));
  }

  private static Future<List<Integer>> locked(SqlConnection conn, List<Migration> migrations) {
    // "already exists, skipping" notices would otherwise be logged as warnings at every start
    return conn.query("SET client_min_messages TO warning").execute()
        .compose(v -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")").execute())
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_version (version int PRIMARY KEY, "
            + "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(v -> conn.query("SELECT version FROM schema_version").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row r : rows) {
            applied.add(r.getInteger(0));
          }
          List<Integer> done = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (Migration m : migrations) {
            if (!applied.contains(m.version())) {
              chain = chain.compose(v -> applyOne(conn, m)).onSuccess(v -> done.add(m.version()));
            }
          }
          return chain.map(v -> done);
        })
        .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute());
  }

  private static Future<Void> applyOne(SqlConnection conn, Migration m) {
    return conn.begin().compose(tx -> conn.query(m.sql()).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO schema_version (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(m.version(), m.name())))
        .compose(v -> tx.commit())
        .onSuccess(v -> log.info("schema migration V{} {} applied", m.version(), m.name()))
        .recover(err -> tx.rollback().transform(ignored -> Future.<Void>failedFuture(err))));
  }

  static List<Migration> load() throws IOException {
    List<Migration> out = new ArrayList<>();
    for (String file : FILES) {
      String path = "db/migration/" + file;
      try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IOException("migration " + path + " is missing from the class path");
        }
        int sep = file.indexOf("__");
        int version = Integer.parseInt(file.substring(1, sep));
        String name = file.substring(sep + 2, file.length() - ".sql".length());
        out.add(new Migration(version, name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
