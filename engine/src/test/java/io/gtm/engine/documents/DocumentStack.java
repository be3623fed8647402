package io.gtm.engine.documents;

import io.gtm.common.Addresses;
import io.gtm.common.DbQueries;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.llm.LlmClient;
import io.gtm.dbwriter.DbWriterVerticle;
import io.gtm.gateway.GatewayVerticle;
import io.gtm.summarizer.SummarizerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The documents pipeline for tests, in one Vert.x: db-writer on the real PostgreSQL, the gateway's
 * HTTP API on a free port, and the summarizer (with the configured LLM, or a given client).
 */
final class DocumentStack {
  final Vertx vertx;
  final GatewayVerticle gateway;
  final HttpClient http;

  private DocumentStack(Vertx vertx, GatewayVerticle gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
    // a fresh connection per request: Vert.x issue 2772 (a request on a pooled connection the other
    // side is closing can hang until its timeout) made rare test calls hang
    this.http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
  }

  /**
   * A database of the summarizer's tests on the shared PostgreSQL: summarizers take over every
   * document in work they find, so sharing the default database with other modules' tests would
   * let them summarise each other's documents.
   */
  static final String DATABASE = "gtm_summarizer_test";
  private static final java.util.Set<String> readyDatabases = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static void ensureDatabase() throws Exception {
    ensureDatabase(DATABASE);
  }

  /** Creates the database {@code name} on the shared PostgreSQL unless it exists. */
  static synchronized void ensureDatabase(String name) throws Exception {
    if (readyDatabases.contains(name)) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try {
      PgConnectOptions opts = new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setUser("postgres")
          .setDatabase("postgres");
      await(PgConnection.connect(vertx, opts).compose(conn -> conn.query("CREATE DATABASE " + name).execute()
          .<Void>mapEmpty()
          .recover(err -> err instanceof PgException pg && "42P04".equals(pg.getSqlState())
              ? Future.succeededFuture() : Future.failedFuture(err))
          .eventually(() -> conn.close())));
      readyDatabases.add(name);
    } finally {
      await(vertx.close());
    }
  }

  /** Settings of a test run: its own database, a cold summary cache of its own, fast db-writer flushes, fast takeover. */
  static Map<String, String> testEnv() throws Exception {
    ensureDatabase();
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + DATABASE);
    env.put("HTTP_PORT", "0");
    env.put("LLM_PROVIDER", "offline");
    env.put("DB_BATCH_MS", "10");
    String run = UUID.randomUUID().toString().substring(0, 8);
    env.put("SUMMARIZER_CACHE_SALT", "/test-" + run);
    env.put("CLUSTER_NAME", "sumtest-" + run); // a Redis semaphore of the test's own
    env.put("SUMMARIZER_HEARTBEAT_MS", "300");
    env.put("SUMMARIZER_STALE_MS", "1500");
    env.put("SUMMARIZER_SCAN_MS", "300");
    env.put("SUMMARIZER_RETRY_BACKOFF_MS", "20");
    return env;
  }

  static DocumentStack start(Map<String, String> env, LlmClient llm) throws Exception {
    return start(env, llm, true);
  }

  /**
   * @param fresh when true, documents left in work by earlier (killed) test runs are cancelled first,
   *              so this run's summarizer works on this run's documents only
   */
  static DocumentStack start(Map<String, String> env, LlmClient llm, boolean fresh) throws Exception {
    Vertx vertx = Vertx.vertx();
    DeploymentOptions opts = new DeploymentOptions().setConfig(EngineConfig.of(env).toJson());
    GatewayVerticle gateway = new GatewayVerticle();
    await(vertx.deployVerticle(new DbWriterVerticle(), opts)
        .compose(x -> fresh ? cancelLeftovers(vertx) : Future.succeededFuture())
        .compose(x -> vertx.deployVerticle(llm == null ? new SummarizerVerticle() : new SummarizerVerticle(llm), opts))
        .compose(x -> vertx.deployVerticle(gateway, opts)));
    return new DocumentStack(vertx, gateway);
  }

  static Future<Void> cancelLeftovers(Vertx vertx) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", DbQueries.DOCUMENTS_BY_STATUS)
            .put("params", new JsonObject().put("status", new JsonArray().add("queued").add("splitting").add("running"))))
        .compose(m -> {
          JsonArray rows = m.body().getJsonArray("rows");
          if (rows.isEmpty()) {
            return Future.succeededFuture();
          }
          JsonArray updates = new JsonArray();
          rows.forEach(o -> updates.add(new JsonObject().put("id", ((JsonObject) o).getString("id")).put("status", "cancelled")));
          return vertx.eventBus().request(Addresses.DB_WRITE, new JsonObject().put("table", "documents").put("rows", updates))
              .mapEmpty();
        });
  }

  void close() throws Exception {
    await(http.close()); // open client connections would hold the server's shutdown for its grace period
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }
  }

  Reply call(HttpMethod method, String path, String body) throws Exception {
    return await(http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(gateway.actualPort())
            .setURI(path))
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.toString()))));
  }

  /** POSTs the text; the document id. */
  String upload(String text, String title) throws Exception {
    Reply r = call(HttpMethod.POST, "/api/documents?title=" + title, text);
    if (r.status() != 202) {
      throw new AssertionError("upload answered " + r.status() + ": " + r.body());
    }
    return r.json().getString("document_id");
  }

  JsonObject document(String id) throws Exception {
    return call(HttpMethod.GET, "/api/documents/" + id, null).json();
  }

  /** Polls GET /api/documents/{id} until the condition holds (or fails at the deadline). */
  JsonObject awaitDocument(String id, Predicate<JsonObject> condition, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    JsonObject doc = document(id);
    while (!condition.test(doc)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("document " + id + " still " + doc.encode() + " after " + timeout);
      }
      await(Future.<Void>future(p -> vertx.setTimer(50, t -> p.complete())));
      doc = document(id);
    }
    return doc;
  }

  static boolean finished(JsonObject doc) {
    return java.util.List.of("done", "partial", "failed", "cancelled").contains(doc.getString("status"));
  }

  /** The chapters rows as stored (through db-writer's named query). */
  JsonArray storedChapters(String id) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.DB_QUERY, new JsonObject().put("query", DbQueries.CHAPTERS)
        .put("params", new JsonObject().put("document_id", id)))).body().getJsonArray("rows");
  }
}
