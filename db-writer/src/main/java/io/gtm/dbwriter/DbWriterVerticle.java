package io.gtm.dbwriter;

import io.gtm.common.Addresses;
import io.gtm.common.ErrorCode;
import io.gtm.common.Ping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The db-writer service. Its handlers land with their issue; until then they fail NOT_IMPLEMENTED. */
public final class DbWriterVerticle extends VerticleBase {
  public static final String SERVICE = "db-writer";

  @Override
  public Future<?> start() {
    return Future.all(
        consume(Addresses.DB_WRITE),
        consume(Addresses.DB_QUERY),
        Ping.register(vertx, SERVICE));
  }

  private Future<Void> consume(String address) {
    return vertx.eventBus().<JsonObject>consumer(address,
        msg -> msg.fail(ErrorCode.NOT_IMPLEMENTED.code(), address + " is not implemented yet")).completion();
  }
}
