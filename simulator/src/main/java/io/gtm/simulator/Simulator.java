package io.gtm.simulator;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Java handle on a running simulator, for tests and the engine. Provider names are those of
 * {@link Providers#NAMES}; knob names those of {@link Knobs#toJson()}.
 */
public final class Simulator {
  private final Vertx vertx;
  private final SimulatorVerticle verticle;
  private final String deploymentId;

  private Simulator(Vertx vertx, SimulatorVerticle verticle, String deploymentId) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
  }

  /** Starts a simulator on {@code port} (0 = any free port) with default knobs. */
  public static Future<Simulator> start(Vertx vertx, int port) {
    return start(vertx, new JsonObject().put("port", port));
  }

  /** Starts a simulator with a verticle config: {@code {"port": P, "providers": {"openai": {knobs}, ...}}}. */
  public static Future<Simulator> start(Vertx vertx, JsonObject config) {
    SimulatorVerticle verticle = new SimulatorVerticle();
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .map(id -> new Simulator(vertx, verticle, id));
  }

  public int port() {
    return verticle.actualPort();
  }

  /** {@code http://127.0.0.1:PORT}: the base URL of Tavily, NewsAPI, Greenhouse and Gemini native. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:PORT/v1}: an OpenAI-compatible base URL. */
  public String openAiBaseUrl() {
    return baseUrl() + "/v1";
  }

  /** {@code http://127.0.0.1:PORT/v1beta/openai}: Gemini's OpenAI-compatible base URL (gemini knobs). */
  public String geminiOpenAiBaseUrl() {
    return baseUrl() + "/v1beta/openai";
  }

  /** Partial update of one provider's knobs; IllegalArgumentException names a bad knob or provider. */
  public Simulator configure(String provider, JsonObject knobs) {
    verticle.providers().get(provider).configure(knobs);
    return this;
  }

  /** Every provider's knobs. */
  public JsonObject config() {
    return verticle.providers().config();
  }

  /** One provider's counters (see README: requests_total, by_status, rate_limited, max_window_requests, ...). */
  public JsonObject stats(String provider) {
    return verticle.providers().get(provider).stats();
  }

  /** Every provider's counters. */
  public JsonObject stats() {
    return verticle.providers().stats();
  }

  /** Knobs back to the start-up configuration and counters to zero. */
  public void reset() {
    verticle.providers().reset();
  }

  /** Undeploys the simulator (closing its server and any hanging connections). */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }
}
