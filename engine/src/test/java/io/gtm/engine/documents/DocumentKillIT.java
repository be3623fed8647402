package io.gtm.engine.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.gtm.common.test.TestPorts;
import io.gtm.simulator.Simulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the engine in the middle of a book, then a new engine process on the same database:
 * the document resumes (once the dead owner's heartbeat is stale and its LLM permit leases have
 * expired) and finishes; every chapter stored once, the calls at the provider at most a clean run's
 * plus the ones in flight at the kill. Needs the packaged jar ({@code mvn -pl engine -am verify}).
 */
@Tag("slow")
@Tag("faults")
class DocumentKillIT {
  private static final List<String> JVM_FLAGS = List.of(
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

  private final Vertx vertx = Vertx.vertx();
  private HttpClient http = vertx.createHttpClient();

  @Test
  void aBookSurvivesAKillNineOfTheEngineAndFinishesInTheNextProcess() throws Exception {
    String book = Corpus.read("great-expectations.txt");
    Simulator sim = DocumentStack.await(Simulator.start(vertx, 0));
    sim.configure("openai", new JsonObject().put("latency_median_ms", 25).put("latency_p99_ms", 25));
    DocumentStack.ensureDatabase();
    int port = TestPorts.free();
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + DocumentStack.DATABASE);
    env.put("LLM_PROVIDER", "openai");
    env.put("LLM_BASE_URL", sim.openAiBaseUrl());
    env.put("LLM_API_KEY", "sk-kill");
    env.put("LLM_RPM", "0");
    env.put("CLUSTER_NAME", "sumkill-" + UUID.randomUUID().toString().substring(0, 8));
    env.put("SUMMARIZER_HEARTBEAT_MS", "500");
    env.put("SUMMARIZER_STALE_MS", "2000");
    env.put("SUMMARIZER_SCAN_MS", "500");
    env.put("SUMMARIZER_CACHE_SALT", "/kill-" + UUID.randomUUID());
    // documents left in work in this database by earlier killed runs would be taken over too: cancel them
    String writer = DocumentStack.await(vertx.deployVerticle(new io.gtm.dbwriter.DbWriterVerticle(),
        new io.vertx.core.DeploymentOptions().setConfig(io.gtm.common.config.EngineConfig.of(
            Map.of("DATABASE_URL", env.get("DATABASE_URL"), "DB_BATCH_MS", "10")).toJson())));
    DocumentStack.await(DocumentStack.cancelLeftovers(vertx).compose(v -> vertx.undeploy(writer)));
    Process first = start(env, "first");
    Process second = null;
    try {
      awaitUp(port);
      JsonObject posted = new JsonObject(request(port, HttpMethod.POST, "/api/documents?title=Killed", book));
      String id = posted.getString("document_id");
      awaitDocument(port, id, d -> d.getInteger("chapters_done", 0) >= 10, 60);
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no goodbye
      int callsBeforeRestart = sim.stats("openai").getInteger("requests_total");
      DocumentStack.await(http.close()); // its pooled connections went with the killed process
      http = vertx.createHttpClient();

      second = start(env, "second");
      awaitUp(port);
      JsonObject doc = awaitDocument(port, id, d -> List.of("done", "partial", "failed").contains(d.getString("status")), 120);
      assertThat(doc.getString("status")).isEqualTo("done");
      assertThat(doc.getInteger("chapters_done")).isEqualTo(59);
      JsonArray chapters = new JsonArray(request(port, HttpMethod.GET, "/api/documents/" + id + "/chapters", null));
      assertThat(chapters).hasSize(59);
      assertThat(chapters.stream().map(o -> ((JsonObject) o).getInteger("number")).distinct()).hasSize(59);
      assertThat(chapters).allSatisfy(o -> assertThat(((JsonObject) o).getString("summary")).isNotBlank());
      int clean = DocumentPipelineTest.expectedCalls(book).values().stream().mapToInt(Integer::intValue).sum();
      int total = sim.stats("openai").getInteger("requests_total");
      assertThat(total).isGreaterThan(callsBeforeRestart);
      // repeated calls are those of the chapters in progress at the kill (calls in flight, answers whose
      // cache rows were not yet committed); redoing the ten chapters stored before the kill would cost more
      int firstTen = 0;
      for (var c : io.gtm.summarizer.internal.ChapterSplitter.split(book).subList(0, 10)) {
        int n = new io.gtm.summarizer.internal.Chunker().chunk(c.text()).size();
        firstTen += n + (n > 1 ? 1 : 0) + 1;
      }
      assertThat(total - clean).isGreaterThanOrEqualTo(0).isLessThan(firstTen);
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
        second.destroyForcibly();
      }
      DocumentStack.await(vertx.close());
    }
  }

  private static Process start(Map<String, String> env, String name) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-Xmx512m");
    cmd.add("-jar");
    String jar = System.getProperty("engine.jar", "target/engine.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException("engine jar not found at " + jar + " (run mvn package first)");
    }
    cmd.add(jar);
    cmd.add("all");
    Path dir = Path.of("target", "it-logs");
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("document-kill-" + name + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private String request(int port, HttpMethod method, String path, String body) throws Exception {
    return DocumentStack.await(http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
            .setURI(path).setIdleTimeout(15_000))
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(res -> res.body().map(Buffer::toString)));
  }

  private void awaitUp(int port) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      try {
        request(port, HttpMethod.GET, "/health/live", null);
        return;
      } catch (Exception e) {
        assertThat(Instant.now()).as("the engine answers on port " + port).isBefore(deadline);
        pause();
      }
    }
  }

  private JsonObject awaitDocument(int port, String id, Predicate<JsonObject> condition, int seconds) throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (true) {
      JsonObject doc = new JsonObject(request(port, HttpMethod.GET, "/api/documents/" + id, null));
      if (condition.test(doc)) {
        return doc;
      }
      assertThat(Instant.now()).as("document " + id + " still " + doc.encode()).isBefore(deadline);
      pause();
    }
  }

  private void pause() throws Exception {
    DocumentStack.await(Future.<Void>future(p -> vertx.setTimer(100, t -> p.complete())));
  }
}
