package io.gtm.querygen;

import io.gtm.common.Addresses;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The query-generator service. Its handlers land with their issue; until then they fail NOT_IMPLEMENTED. */
public final class QueryGeneratorVerticle extends VerticleBase {
  public static final String SERVICE = "query-generator";

  @Override
  public Future<?> start() {
    return Future.all(
        consume(Addresses.QUERY_GENERATE),
        Ping.register(vertx, SERVICE));
  }

  private Future<Void> consume(String address) {
    return vertx.eventBus().<JsonObject>consumer(address,
        msg -> msg.fail(ErrorCode.NOT_IMPLEMENTED.code(), address + " is not implemented yet")).completion();
  }
}
