package io.gtm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.gtm.gateway.research.ResearchStack;
import io.gtm.summarizer.SummarizerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

/**
 * The served {@code /openapi.yaml} against the real stack (simulator, db-writer on PostgreSQL, every
 * service, summarizer, gateway with an API key): every operation it lists is called for real, and
 * every JSON answer (successes and documented errors: 400, 401, 404, 413, 422) is validated against
 * the contract with vertx-openapi. The contract is made strict for the test (no undocumented fields),
 * so a removed route, a renamed or missing field or an extra one fails here. SSE, WebSocket,
 * metrics, YAML and HTML answers are checked by status and content type (vertx-openapi validates JSON).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractTest {
  private static final String KEY = "oa-contract-key";
  private static final int MAX_BODY = 200_000;
  private static final Set<String> VALIDATOR_MEDIA = Set.of("application/json", "text/plain");

  private static Vertx vertx;
  private static ResearchStack stack;
  /**
   * One connection per request, as the other API tests (Vert.x issue 2772: a request written on a
   * pooled keep-alive connection can hang; here about one in a thousand on one reused connection).
   */
  private static HttpClient http;
  /** Held for the class's life: Vert.x closes a client nothing refers to, even mid-handshake. */
  private static io.vertx.core.http.WebSocketClient webSockets;
  private static JsonObject served;
  private static JsonObject strict;
  private static OpenAPIContract contract;
  private static ResponseValidator validator;
  /** operationId -> status -> documented media types (before the test copy drops what vertx-openapi cannot read). */
  private static final Map<String, Map<String, Set<String>>> documented = new HashMap<>();
  /** operationId -> statuses answered and checked. */
  private static final Map<String, Set<Integer>> checked = new ConcurrentHashMap<>();

  private record Res(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }

    String contentType() {
      String ct = headers.get("Content-Type");
      return ct == null ? "" : ct.split(";")[0].trim().toLowerCase();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    stack = await(ResearchStack.start(vertx, "offline", 3,
        Map.of("API_KEYS", KEY, "MAX_BODY_BYTES", String.valueOf(MAX_BODY))));
    await(vertx.deployVerticle(new SummarizerVerticle(), new DeploymentOptions().setConfig(stack.config.toJson())));
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    // Warm-up: the first research job of a fresh one-JVM stack (the simulator sharing the engine's
    // Vert.x) has been seen to stall now and then; not reproduced with engine processes (issue note).
    // One small job, tried twice, so that the contract checks below start on a warm stack.
    String warm = "{\"research_goal\":\"warm-up\",\"company_domains\":[\"warm-up-co.com\"],\"search_depth\":\"quick\"}";
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (call(HttpMethod.POST, "/api/research/batch", warm, "application/json", true).status() == 200) {
          break;
        }
      } catch (AssertionError stalled) {
        // the stalled job goes on in the background; try once more
      }
    }

    Res doc = call(HttpMethod.GET, "/openapi.yaml", null, null, false);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.contentType()).isEqualTo("application/yaml");
    Object yaml = new Yaml().load(doc.body().toString(StandardCharsets.UTF_8));
    served = new JsonObject(Json.encode(yaml));
    assertThat(served.getString("openapi")).startsWith("3.1");
    strict = served.copy();
    recordAndStripMedia(strict);
    forbidUndocumentedFields(strict);
    contract = await(OpenAPIContract.from(vertx, strict));
    validator = ResponseValidator.create(vertx, contract);
    mark("openApi", 200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  // ---- research ----

  @Test
  @Order(1)
  void researchBatchAndItsAliasAnswerTheDocumentedShapeAndErrors() throws Exception {
    for (String op : List.of("researchBatch", "researchBatchAlias")) {
      String path = op.equals("researchBatch") ? "/api/research/batch" : "/research/batch";
      Res ok = validated(op, call(HttpMethod.POST, path, researchBody("alpha.com", "beta.io"), "application/json", true));
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.json().getJsonArray("results")).hasSize(2);

      Res empty = validated(op, call(HttpMethod.POST, path,
          researchBody(), "application/json", true));
      assertThat(empty.status()).isEqualTo(422);
      assertThat(empty.json().getJsonObject("error").getString("field")).isEqualTo("company_domains");
      assertThat(validated(op, call(HttpMethod.POST, path, "{not json", "application/json", true)).status()).isEqualTo(400);
      assertThat(validated(op, call(HttpMethod.POST, path, researchBody("a.com"), "application/json", false))
          .status()).isEqualTo(401);
      assertThat(validated(op, call(HttpMethod.POST, path, tooLarge(), "application/json", true)).status()).isEqualTo(413);
    }
  }

  @Test
  @Order(2)
  void researchStreamAndItsAliasAreEventStreamsEndingWithCompleted() throws Exception {
    for (String op : List.of("researchBatchStream", "researchBatchStreamAlias")) {
      String path = op.equals("researchBatchStream") ? "/api/research/batch/stream" : "/research/batch/stream";
      Res ok = call(HttpMethod.POST, path, researchBody("gamma.dev"), "application/json", true);
      assertThat(ok.status()).isEqualTo(200);
      assertDocumentedMedia(op, ok);
      String text = ok.body().toString(StandardCharsets.UTF_8);
      assertThat(text).startsWith("retry: 1000\n\n");
      List<String> types = new java.util.ArrayList<>();
      for (String block : text.substring("retry: 1000\n\n".length()).split("\n\n")) {
        String[] lines = block.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("id: ");
        assertThat(lines[1]).startsWith("event: ");
        assertThat(lines[2]).startsWith("data: ");
        JsonObject data = new JsonObject(lines[2].substring(6));
        assertMatches("JobEvent", data);
        assertThat(data.getString("type")).isEqualTo(lines[1].substring(7));
        assertThat(data.getLong("id")).isEqualTo(Long.parseLong(lines[0].substring(4)));
        types.add(data.getString("type"));
      }
      assertThat(types.get(0)).isEqualTo("connected");
      assertThat(types.get(types.size() - 1)).isEqualTo("completed");
      assertThat(types).contains("pipeline_start", "strategies_generated", "domain_analyzed", "pipeline_complete");
      mark(op, 200);
      assertThat(validated(op, call(HttpMethod.POST, path, researchBody(), "application/json", true))
          .status()).isEqualTo(422);
      assertThat(validated(op, call(HttpMethod.POST, path, "[1", "application/json", true)).status()).isEqualTo(400);
      assertThat(validated(op, call(HttpMethod.POST, path, "{}", "application/json", false)).status()).isEqualTo(401);
    }
  }

  @Test
  @Order(3)
  void researchJobsAnswerTheDocumentedShapesAndErrors() throws Exception {
    Res created = validated("createResearchJob",
        call(HttpMethod.POST, "/api/research/jobs", researchBody("delta.com", "epsilon.org"), "application/json", true));
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().getString("research_id");
    assertThat(created.headers().get("Location")).isEqualTo("/api/research/jobs/" + id);
    assertThat(validated("createResearchJob", call(HttpMethod.POST, "/api/research/jobs",
        researchBody(), "application/json", true)).status()).isEqualTo(422);
    assertThat(validated("createResearchJob", call(HttpMethod.POST, "/api/research/jobs", "nope",
        "application/json", true)).status()).isEqualTo(400);
    assertThat(validated("createResearchJob", call(HttpMethod.POST, "/api/research/jobs", tooLarge(),
        "application/json", true)).status()).isEqualTo(413);

    // while it runs, then once done (results filled in)
    validated("getResearchJob", call(HttpMethod.GET, "/api/research/jobs/" + id, null, null, true));
    Res done = poll("getResearchJob", "/api/research/jobs/" + id,
        r -> List.of("done", "failed").contains(r.json().getString("status")));
    assertThat(done.json().getString("status")).isEqualTo("done");
    assertThat(done.json().getJsonArray("results")).hasSize(2);
    Res page = validated("getResearchJob", call(HttpMethod.GET, "/api/research/jobs/" + id + "?offset=1&limit=1",
        null, null, true));
    assertThat(page.json().getJsonArray("results")).hasSize(1);
    assertThat(validated("getResearchJob", call(HttpMethod.GET, "/api/research/jobs/" + id + "?limit=0",
        null, null, true)).status()).isEqualTo(422);
    assertThat(validated("getResearchJob", call(HttpMethod.GET, "/api/research/jobs/" + id + "?offset=x",
        null, null, true)).status()).isEqualTo(400);
    assertThat(validated("getResearchJob", call(HttpMethod.GET, "/api/research/jobs/r-unknown", null, null, true))
        .status()).isEqualTo(404);
    assertThat(validated("getResearchJob", call(HttpMethod.GET, "/api/research/jobs/" + id, null, null, false))
        .status()).isEqualTo(401);

    Res cancelled = validated("cancelResearchJob", call(HttpMethod.DELETE, "/api/research/jobs/" + id, null, null, true));
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("done");
    assertThat(validated("cancelResearchJob", call(HttpMethod.DELETE, "/api/research/jobs/r-unknown", null, null, true))
        .status()).isEqualTo(404);
  }

  // ---- documents ----

  @Test
  @Order(4)
  void documentsAnswerTheDocumentedShapesAndErrors() throws Exception {
    StringBuilder book = new StringBuilder("Title: Contract Book\n\n");
    for (int c = 1; c <= 3; c++) {
      book.append("CHAPTER ").append(c).append(". Part ").append(c).append("\n\n");
      for (int p = 0; p < 6; p++) {
        book.append("The harbour town woke slowly in chapter ").append(c)
            .append(", and the fishermen counted their nets before the tide turned again.\n\n");
      }
    }
    Res created = validated("createDocument",
        call(HttpMethod.POST, "/api/documents?title=Contract", book.toString(), "text/plain", true));
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().getString("document_id");
    assertThat(validated("createDocument", call(HttpMethod.POST, "/api/documents", "   ", "text/plain", true))
        .status()).isEqualTo(422);
    assertThat(validated("createDocument", call(HttpMethod.POST, "/api/documents", "a\0b", "text/plain", true))
        .status()).isEqualTo(400);
    assertThat(validated("createDocument", call(HttpMethod.POST, "/api/documents", tooLarge(), "text/plain", true))
        .status()).isEqualTo(413);
    assertThat(validated("createDocument", call(HttpMethod.POST, "/api/documents", "text", "text/plain", false))
        .status()).isEqualTo(401);

    Res done = poll("getDocument", "/api/documents/" + id,
        r -> List.of("done", "partial", "failed").contains(r.json().getString("status")));
    assertThat(done.json().getString("title")).isEqualTo("Contract");
    Res chapters = validated("getDocumentChapters", call(HttpMethod.GET, "/api/documents/" + id + "/chapters", null, null, true));
    assertThat(chapters.status()).isEqualTo(200);
    assertThat(chapters.body().toJsonArray()).isNotEmpty();
    assertThat(validated("getDocument", call(HttpMethod.GET, "/api/documents/doc_unknown", null, null, true)).status())
        .isEqualTo(404);
    assertThat(validated("getDocumentChapters", call(HttpMethod.GET, "/api/documents/doc_unknown/chapters", null, null, true))
        .status()).isEqualTo(404);

    assertThat(validated("cancelDocument", call(HttpMethod.DELETE, "/api/documents/" + id, null, null, true)).status())
        .isEqualTo(200);
    assertThat(validated("cancelDocument", call(HttpMethod.DELETE, "/api/documents/doc_unknown", null, null, true))
        .status()).isEqualTo(404);
  }

  // ---- reports ----

  @Test
  @Order(5)
  void reportsAnswerTheDocumentedShapesAndErrors() throws Exception {
    JsonObject body = new JsonObject().put("domain", "zeta.com").put("research_goal", "companies using Kubernetes")
        .put("search_depth", "quick");
    Res created = validated("createReport", call(HttpMethod.POST, "/api/reports", body.encode(), "application/json", true));
    assertThat(created.status()).isEqualTo(202);
    String id = created.json().getString("report_id");
    Res invalid = validated("createReport", call(HttpMethod.POST, "/api/reports", "{}", "application/json", true));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(validated("createReport", call(HttpMethod.POST, "/api/reports", "{", "application/json", true)).status())
        .isEqualTo(400);

    validated("getReport", call(HttpMethod.GET, "/api/reports/" + id, null, null, true));
    Res done = poll("getReport", "/api/reports/" + id, r -> !r.json().getString("status").equals("running"));
    assertThat(done.json().getJsonArray("sections")).hasSize(7);
    assertThat(validated("getReport", call(HttpMethod.GET, "/api/reports/rpt_unknown", null, null, true)).status())
        .isEqualTo(404);
    assertThat(validated("cancelReport", call(HttpMethod.DELETE, "/api/reports/" + id, null, null, true)).status())
        .isEqualTo(200);
    assertThat(validated("cancelReport", call(HttpMethod.DELETE, "/api/reports/rpt_unknown", null, null, true)).status())
        .isEqualTo(404);
  }

  // ---- WebSocket, health, metrics, page ----

  @Test
  @Order(6)
  void webSocketHealthMetricsAndPageAnswerAsDocumented() throws Exception {
    assertThat(validated("webSocket", call(HttpMethod.GET, "/ws", null, null, true)).status()).isEqualTo(400);
    assertThat(validated("webSocket", call(HttpMethod.GET, "/ws", null, null, false)).status()).isEqualTo(401);
    webSockets = vertx.createWebSocketClient();
    WebSocket ws = await(webSockets.connect(new WebSocketConnectOptions()
        .setPort(stack.port()).setHost("localhost").setURI("/ws?api_key=" + KEY)));
    var reply = new java.util.concurrent.CompletableFuture<JsonObject>();
    ws.textMessageHandler(t -> reply.complete(new JsonObject(t)));
    await(ws.writeTextMessage(new JsonObject().put("subscribe", "r-unknown").encode()));
    JsonObject first = reply.get(10, TimeUnit.SECONDS);
    assertMatches("WsReply", first);
    assertThat(first.getString("type")).isEqualTo("error");
    assertThat(first.getJsonObject("error").getString("code")).isEqualTo("not_found");
    await(ws.close());
    assertThat(documented.get("webSocket")).containsKey("101");
    mark("webSocket", 101);

    Res live = validated("healthLive", call(HttpMethod.GET, "/health/live", null, null, false));
    assertThat(live.status()).isEqualTo(200);
    Res ready = validated("healthReady", call(HttpMethod.GET, "/health/ready", null, null, false));
    assertThat(ready.json().getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .contains("postgres", "redis", "cluster");

    Res metrics = call(HttpMethod.GET, "/metrics", null, null, false);
    assertThat(metrics.status()).isEqualTo(200);
    assertDocumentedMedia("metrics", metrics);
    assertThat(metrics.body().toString()).contains("# TYPE");
    mark("metrics", 200);

    Res page = call(HttpMethod.GET, "/", null, null, false);
    assertThat(page.status()).isEqualTo(200);
    assertDocumentedMedia("webPage", page);
    mark("webPage", 200);
  }

  // ---- the reverse direction ----

  @Test
  @Order(7)
  void everyDocumentedPathAndMethodIsRoutedAndAnswersAPreflight() throws Exception {
    JsonObject paths = served.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        String uri = path.replace("{id}", "no-such-id");
        String body = method.equals("post") ? "{}" : null;
        Res res = call(HttpMethod.valueOf(method.toUpperCase()), uri, body, body == null ? null : "application/json", true);
        String message = res.contentType().equals("application/json") && res.body().length() > 0
            && res.body().getByte(0) == '{' && res.json().containsKey("error")
            ? res.json().getJsonObject("error").getString("message") : "";
        assertThat(res.status()).as("%s %s", method, path).isNotIn(405, 501);
        if (res.status() == 404) {
          // an unknown id names it; only an unrouted path gets the bare "not found"
          assertThat(message).as("%s %s", method, path).isNotEqualTo("not found");
        }
        // and a browser preflight, without a key
        Res cors = call(HttpMethod.OPTIONS, uri, null, null, false, Map.of("Origin", "http://example.test",
            "Access-Control-Request-Method", method.toUpperCase(),
            "Access-Control-Request-Headers", "Content-Type, X-API-Key"));
        assertThat(cors.status()).as("preflight %s %s", method, path).isBetween(200, 204);
        assertThat(cors.headers().get("Access-Control-Allow-Origin")).as("preflight %s %s", method, path).isNotNull();
      }
    }
  }

  @Test
  @Order(8)
  void everyOperationOfTheContractWasCalledAndChecked() {
    Set<String> operations = new TreeSet<>();
    for (Operation op : contract.operations()) {
      operations.add(op.getOperationId());
    }
    assertThat(operations).hasSize(documented.size());
    assertThat(new TreeSet<>(checked.keySet())).isEqualTo(operations);
    // and each success status documented for an operation was seen
    for (String op : operations) {
      assertThat(checked.get(op)).as(op).anyMatch(s -> s < 300);
    }
  }

  // ---- helpers ----

  /** Validates {@code res} against operation {@code op}: documented status, schema-valid JSON body. */
  private static Res validated(String op, Res res) throws Exception {
    Map<String, Set<String>> statuses = documented.get(op);
    assertThat(statuses).as("operation %s in the contract", op).isNotNull();
    assertThat(statuses).as("%s answered %d: %s", op, res.status(), res.body()).containsKey(String.valueOf(res.status()));
    assertDocumentedMedia(op, res);
    if (res.contentType().equals("application/json")) {
      Map<String, String> headers = new HashMap<>();
      res.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
      try {
        await(validator.validate(ValidatableResponse.create(res.status(), headers, res.body(), "application/json"), op));
      } catch (Exception e) {
        fail(op + " " + res.status() + " does not match the contract: " + e.getMessage() + "\n" + res.body());
      }
    }
    mark(op, res.status());
    return res;
  }

  private static void assertDocumentedMedia(String op, Res res) {
    Set<String> media = documented.get(op).get(String.valueOf(res.status()));
    assertThat(media).as("%s %d documented", op, res.status()).isNotNull();
    if (!media.isEmpty() || res.body().length() > 0) {
      assertThat(media).as("%s %d content type", op, res.status()).contains(res.contentType());
    }
  }

  /** {@code value} against the (strict) component schema {@code name}. */
  private static void assertMatches(String name, JsonObject value) {
    JsonObject schema = strict.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
    assertThat(schema).as("components/schemas/%s", name).isNotNull();
    OutputUnit out = Validator.create(JsonSchema.of(schema),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://gtm.test/")
            .setOutputFormat(OutputFormat.Basic)).validate(value);
    assertThat(out.getValid()).as("%s does not match %s: %s", value, name, out.getErrors()).isTrue();
  }

  private static void mark(String op, int status) {
    checked.computeIfAbsent(op, k -> ConcurrentHashMap.newKeySet()).add(status);
  }

  private static Res poll(String op, String uri, Predicate<Res> until) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      Res res = validated(op, call(HttpMethod.GET, uri, null, null, true));
      assertThat(res.status()).isEqualTo(200);
      if (until.test(res)) {
        return res;
      }
      if (System.currentTimeMillis() > deadline) {
        fail(uri + " did not finish: " + res.body());
      }
      await(vertx.timer(100));
    }
  }

  private static String researchBody(String... domains) {
    return researchJson(domains).encode();
  }

  private static JsonObject researchJson(String... domains) {
    return new JsonObject().put("research_goal", "companies using Kubernetes in production")
        .put("company_domains", new JsonArray(List.of(domains))).put("search_depth", "quick")
        .put("max_parallel_searches", 4).put("confidence_threshold", 0.5);
  }

  private static String tooLarge() {
    return "x".repeat(MAX_BODY + 1024);
  }

  private static Res call(HttpMethod method, String uri, String body, String contentType, boolean withKey) throws Exception {
    return call(method, uri, body, contentType, withKey, Map.of());
  }

  private static Res call(HttpMethod method, String uri, String body, String contentType, boolean withKey,
      Map<String, String> headers) throws Exception {
    RequestOptions opts = new RequestOptions().setMethod(method).setPort(stack.port()).setHost("localhost").setURI(uri)
        .setIdleTimeout(15_000);
    if (contentType != null) {
      opts.putHeader("Content-Type", contentType);
    }
    if (withKey) {
      opts.putHeader("X-API-Key", KEY);
    }
    headers.forEach(opts::putHeader);
    Future<Res> res = http.request(opts)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose((HttpClientResponse r) -> r.body().map(b -> new Res(r.statusCode(), r.headers(), b)));
    try {
      return await(res);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer in 30 s to " + method + " " + uri + " " + headers.keySet()
          + (body == null ? "" : " with a body of " + body.length() + " chars"));
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Records every operation's documented statuses and media types, then drops from the test copy
   * the response media types vertx-openapi cannot validate (it refuses a contract naming them):
   * those answers are checked by status and content type instead.
   */
  private static void recordAndStripMedia(JsonObject contract) {
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        JsonObject op = item.getJsonObject(method);
        Map<String, Set<String>> statuses = new HashMap<>();
        JsonObject responses = op.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject response = resolve(contract, responses.getJsonObject(status));
          JsonObject content = response.getJsonObject("content");
          Set<String> media = new TreeSet<>();
          if (content != null) {
            media.addAll(content.fieldNames());
            if (!media.stream().allMatch(VALIDATOR_MEDIA::contains)) {
              responses.put(status, response.copy());
              responses.getJsonObject(status).remove("content");
            }
          }
          statuses.put(status, media);
        }
        assertThat(op.getString("operationId")).as("%s %s has an operationId", method, path).isNotBlank();
        documented.put(op.getString("operationId"), statuses);
      }
    }
  }

  private static JsonObject resolve(JsonObject contract, JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    JsonObject node = contract;
    for (String part : ref.substring(2).split("/")) {
      node = node.getJsonObject(part);
    }
    return node;
  }

  /** Every schema object with properties allows no others in the test copy: an undocumented field fails. */
  private static void forbidUndocumentedFields(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("properties") instanceof JsonObject && !o.containsKey("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      o.forEach(e -> forbidUndocumentedFields(e.getValue()));
    } else if (node instanceof JsonArray a) {
      a.forEach(OpenApiContractTest::forbidUndocumentedFields);
    }
  }
}
