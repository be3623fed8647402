package io.gtm.analyzer;

import io.gtm.analyzer.report.ReportSteps;
import io.gtm.common.Addresses;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.gtm.common.config.EngineConfig;
import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The analyzer service: company analysis and report steps. */
public final class AnalyzerVerticle extends VerticleBase {
  public static final String SERVICE = "analyzer";

  @Override
  public Future<?> start() {
    LlmClient llm = LlmClients.create(vertx, EngineConfig.fromJson(config()));
    ReportSteps reports = new ReportSteps(llm);
    return Future.all(
        consume(Addresses.ANALYZE),
        vertx.eventBus().<JsonObject>consumer(Addresses.REPORT_STEP, reports::handle).completion(),
        Ping.register(vertx, SERVICE));
  }

  private Future<Void> consume(String address) {
    return vertx.eventBus().<JsonObject>consumer(address,
        msg -> msg.fail(ErrorCode.NOT_IMPLEMENTED.code(), address + " is not implemented yet")).completion();
  }
}
