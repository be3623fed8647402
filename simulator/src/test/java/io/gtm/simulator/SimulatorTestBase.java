package io.gtm.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts one simulator on a free port per test, and a WebClient to talk to it. */
abstract class SimulatorTestBase {
  protected Vertx vertx;
  protected Simulator sim;
  protected WebClient client;

  @BeforeEach
  void startSimulator() throws Exception {
    vertx = Vertx.vertx();
    sim = Simulator.start(vertx, new JsonObject().put("port", 0).put("providers", startKnobs()))
        .await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  /** Knobs applied at start-up; by default no latency so that tests are fast. */
  protected JsonObject startKnobs() {
    JsonObject fast = new JsonObject().put("latency_median_ms", 0).put("latency_p99_ms", 0);
    JsonObject all = new JsonObject();
    for (String p : Providers.NAMES) all.put(p, fast.copy());
    return all;
  }

  @AfterEach
  void stopSimulator() throws Exception {
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  protected HttpResponse<Buffer> postJson(String path, JsonObject body, String header, String value) throws Exception {
    var req = client.post(sim.port(), "127.0.0.1", path);
    if (header != null) req.putHeader(header, value);
    return req.sendJsonObject(body).await(10, TimeUnit.SECONDS);
  }

  protected HttpResponse<Buffer> get(String path, String header, String value) throws Exception {
    var req = client.get(sim.port(), "127.0.0.1", path);
    if (header != null) req.putHeader(header, value);
    return req.send().await(10, TimeUnit.SECONDS);
  }

  protected static JsonObject chat(String user) {
    return new JsonObject().put("model", "gpt-4o-mini").put("messages", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "You are a research assistant."))
        .add(new JsonObject().put("role", "user").put("content", user)));
  }
}
