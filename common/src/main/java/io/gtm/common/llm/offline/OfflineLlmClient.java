package io.gtm.common.llm.offline;

import io.gtm.common.llm.LlmClient;
import io.gtm.common.llm.LlmException;
import io.gtm.common.llm.LlmRequest;
import io.gtm.common.llm.LlmResponse;
import io.vertx.core.Future;

/** The deterministic, network-free provider: it answers each operation from the request's input. */
public final class OfflineLlmClient implements LlmClient {
  @Override
  public String provider() {
    return "offline";
  }

  @Override
  public Future<LlmResponse> complete(LlmRequest request) {
    return Future.failedFuture(new LlmException("offline " + request.operation() + " not implemented yet", true));
  }
}
