package io.gtm.engine;

import io.gtm.analyzer.AnalyzerVerticle;
import io.gtm.dbwriter.DbWriterVerticle;
import io.gtm.gateway.GatewayVerticle;
import io.gtm.querygen.QueryGeneratorVerticle;
import io.gtm.search.SearchWorkersVerticle;
import io.gtm.summarizer.SummarizerVerticle;
import io.vertx.core.Deployable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The services the engine can run, by name, in the order {@code all} deploys them. */
public final class Services {
  private Services() {}

  public static final Map<String, Supplier<? extends Deployable>> ALL;

  static {
    Map<String, Supplier<? extends Deployable>> m = new LinkedHashMap<>();
    m.put(DbWriterVerticle.SERVICE, DbWriterVerticle::new);
    m.put(QueryGeneratorVerticle.SERVICE, QueryGeneratorVerticle::new);
    m.put(SearchWorkersVerticle.SERVICE, SearchWorkersVerticle::new);
    m.put(AnalyzerVerticle.SERVICE, AnalyzerVerticle::new);
    m.put(SummarizerVerticle.SERVICE, SummarizerVerticle::new);
    m.put(GatewayVerticle.SERVICE, GatewayVerticle::new);
    ALL = java.util.Collections.unmodifiableMap(m);
  }
}
