package io.gtm.common.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The engine's configuration: built-in defaults, then an optional file (JSON object or
 * {@code .properties}, named by {@code CONFIG_FILE}), then environment variables. Keys are the
 * environment variable names of ARCHITECTURE.md section 4. Every value is validated when loaded,
 * and a bad one fails with the key's name.
 *
 * <p>Verticles receive it as their deployment config ({@link #toJson()}) and read it back with
 * {@link #fromJson(JsonObject)}.
 */
public final class EngineConfig {

  /** Every known key with its default ({@code null}: unset). */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("HTTP_PORT", "8080");
    d.put("API_KEYS", null);
    d.put("API_JOBS_PER_MINUTE", "60");
    d.put("CORS_ORIGINS", "*");
    d.put("MAX_BODY_BYTES", "20971520");
    d.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres");
    d.put("REDIS_URL", "redis://127.0.0.1:6379");
    d.put("LLM_PROVIDER", null);
    d.put("LLM_BASE_URL", "https://api.openai.com/v1");
    d.put("LLM_API_KEY", null);
    d.put("LLM_MODEL", "gpt-4o-mini");
    d.put("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com");
    d.put("GEMINI_API_KEY", null);
    d.put("GEMINI_MODEL", "gemini-2.5-flash-lite");
    d.put("TAVILY_BASE_URL", "https://api.tavily.com");
    d.put("TAVILY_API_KEY", null);
    d.put("NEWSAPI_BASE_URL", "https://newsapi.org");
    d.put("NEWSAPI_KEY", null);
    d.put("GREENHOUSE_BASE_URL", "https://boards-api.greenhouse.io");
    d.put("TAVILY_RPM", "500");
    d.put("NEWSAPI_RPM", "300");
    d.put("GREENHOUSE_RPM", "600");
    d.put("LLM_RPM", "2000");
    d.put("LLM_TPM", "0");
    d.put("PROVIDER_TIMEOUT_MS", "20000");
    d.put("PROVIDER_MAX_RETRIES", "3");
    d.put("BREAKER_MAX_FAILURES", "5");
    d.put("BREAKER_RESET_MS", "30000");
    d.put("LLM_SECONDARY_PROVIDER", null);
    d.put("LLM_SECONDARY_BASE_URL", null);
    d.put("LLM_SECONDARY_API_KEY", null);
    d.put("LLM_SECONDARY_MODEL", null);
    d.put("LLM_ROUTE_P95_MS", "25000");
    d.put("LLM_ROUTE_MIN_DWELL_S", "120");
    d.put("LLM_CONCURRENCY", "4");
    d.put("REPORT_SECTION_CONCURRENCY", "4");
    d.put("MAX_PARALLEL_SEARCHES", "20");
    d.put("MAX_PARALLEL_SEARCHES_CAP", "200");
    d.put("CHUNK_SIZE", "3500");
    d.put("CHUNK_OVERLAP", "275");
    d.put("CHUNK_THRESHOLD", "5000");
    d.put("CLUSTER_NAME", "gtm");
    d.put("CLUSTER_HOST", "127.0.0.1");
    d.put("CLUSTER_PORT", "5701");
    d.put("CLUSTER_MEMBERS", "127.0.0.1");
    d.put("LOG_FORMAT", "text");
    d.put("DB_BATCH_ROWS", "100");
    d.put("DB_BATCH_MS", "250");
    d.put("DB_BATCH_MAX_ROWS", null);
    d.put("DB_QUEUE_CAPACITY", null);
    d.put("DB_POOL_SIZE", null);
    d.put("DB_FALLBACK", null);
    d.put("RESEARCH_OWNER_RENEW_MS", "3000");
    d.put("RESEARCH_OWNER_STALE_MS", "15000");
    d.put("RESEARCH_TAKEOVER_SCAN_MS", "5000");
    d.put("RESEARCH_TAKEOVER_HORIZON_MS", "86400000");
    d.put("RESEARCH_UNIT_DEADLINE_MS", "0");
    d.put("GATEWAY_READ_TIMEOUT_MS", "3000");
    d.put("SIMULATOR_PORT", "9090");
    d.put("METRICS_PORT", "0");
    d.put("WS_MAX_MESSAGE_BYTES", "65536");
    d.put("WS_MAX_SUBSCRIPTIONS", "50");
    d.put("WS_IDLE_TIMEOUT_S", "300");
    d.put("WS_MAX_PENDING", "1000");
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  private static final List<String> INT_KEYS = List.of(
      "API_JOBS_PER_MINUTE", "MAX_BODY_BYTES", "TAVILY_RPM", "NEWSAPI_RPM", "GREENHOUSE_RPM",
      "LLM_RPM", "LLM_TPM", "PROVIDER_TIMEOUT_MS", "PROVIDER_MAX_RETRIES", "BREAKER_MAX_FAILURES",
      "BREAKER_RESET_MS", "LLM_ROUTE_P95_MS", "LLM_ROUTE_MIN_DWELL_S", "LLM_CONCURRENCY",
      "REPORT_SECTION_CONCURRENCY", "MAX_PARALLEL_SEARCHES", "MAX_PARALLEL_SEARCHES_CAP",
      "CHUNK_SIZE", "CHUNK_OVERLAP", "CHUNK_THRESHOLD", "DB_BATCH_ROWS", "DB_BATCH_MS",
      "DB_BATCH_MAX_ROWS", "DB_QUEUE_CAPACITY", "DB_POOL_SIZE",
      "WS_MAX_MESSAGE_BYTES", "WS_MAX_SUBSCRIPTIONS", "WS_IDLE_TIMEOUT_S", "WS_MAX_PENDING",
      "RESEARCH_OWNER_RENEW_MS", "RESEARCH_OWNER_STALE_MS", "RESEARCH_TAKEOVER_SCAN_MS",
      "RESEARCH_TAKEOVER_HORIZON_MS", "RESEARCH_UNIT_DEADLINE_MS", "GATEWAY_READ_TIMEOUT_MS");
  private static final List<String> PORT_KEYS = List.of("HTTP_PORT", "CLUSTER_PORT", "SIMULATOR_PORT", "METRICS_PORT");
  private static final List<String> POSITIVE_KEYS = List.of(
      "MAX_BODY_BYTES", "PROVIDER_TIMEOUT_MS", "BREAKER_MAX_FAILURES", "BREAKER_RESET_MS",
      "LLM_CONCURRENCY", "REPORT_SECTION_CONCURRENCY", "MAX_PARALLEL_SEARCHES",
      "MAX_PARALLEL_SEARCHES_CAP", "CHUNK_SIZE", "CHUNK_THRESHOLD", "DB_BATCH_ROWS", "DB_BATCH_MS",
      "API_JOBS_PER_MINUTE", "LLM_ROUTE_P95_MS", "WS_MAX_MESSAGE_BYTES", "WS_MAX_SUBSCRIPTIONS",
      "WS_IDLE_TIMEOUT_S", "WS_MAX_PENDING", "RESEARCH_OWNER_RENEW_MS", "RESEARCH_OWNER_STALE_MS",
      "RESEARCH_TAKEOVER_SCAN_MS", "RESEARCH_TAKEOVER_HORIZON_MS", "GATEWAY_READ_TIMEOUT_MS");
  private static final List<String> URL_KEYS = List.of(
      "LLM_BASE_URL", "GEMINI_BASE_URL", "TAVILY_BASE_URL", "NEWSAPI_BASE_URL",
      "GREENHOUSE_BASE_URL", "LLM_SECONDARY_BASE_URL");
  public static final List<String> LLM_PROVIDERS = List.of("openai", "gemini", "offline");

  private final Map<String, String> values;

  private EngineConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
    validate();
  }

  /** Defaults, then {@code CONFIG_FILE} if the environment names one, then the environment. */
  public static EngineConfig load() {
    return load(System.getenv());
  }

  public static EngineConfig load(Map<String, String> env) {
    String file = env.get("CONFIG_FILE");
    return load(file == null || file.isBlank() ? null : Path.of(file), env);
  }

  /** Defaults, then {@code file} (may be null), then {@code env}: later sources win. */
  public static EngineConfig load(Path file, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    if (file != null) {
      values.putAll(readFile(file));
    }
    for (String key : DEFAULTS.keySet()) {
      String v = env.get(key);
      if (v != null) {
        values.put(key, v);
      }
    }
    return new EngineConfig(values);
  }

  /** Defaults with some keys overridden; for tests and embedded use. */
  public static EngineConfig of(Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    values.putAll(overrides);
    return new EngineConfig(values);
  }

  public static EngineConfig fromJson(JsonObject json) {
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    if (json != null) {
      for (String key : json.fieldNames()) {
        Object v = json.getValue(key);
        values.put(key, v == null ? null : String.valueOf(v));
      }
    }
    return new EngineConfig(values);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    values.forEach((k, v) -> {
      if (v != null) {
        json.put(k, v);
      }
    });
    return json;
  }

  /** A copy with some keys changed. */
  public EngineConfig with(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new EngineConfig(copy);
  }

  public String get(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String get(String key, String fallback) {
    String v = get(key);
    return v == null ? fallback : v;
  }

  public boolean isSet(String key) {
    return get(key) != null;
  }

  public int getInt(String key) {
    String v = get(key);
    if (v == null) {
      throw new ConfigException(key, "is required");
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "expected a whole number, got '" + v + "'");
    }
  }

  public List<String> getList(String key) {
    String v = get(key);
    if (v == null) {
      return List.of();
    }
    return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The LLM provider in force: the explicit {@code LLM_PROVIDER}, else openai with a key, else offline. */
  public String llmProvider() {
    String p = get("LLM_PROVIDER");
    if (p != null) {
      return p.toLowerCase(java.util.Locale.ROOT);
    }
    return isSet("LLM_API_KEY") ? "openai" : "offline";
  }

  private void validate() {
    for (String key : INT_KEYS) {
      if (get(key) != null) {
        int v = getInt(key);
        if (v < 0) {
          throw new ConfigException(key, "must not be negative, got " + v);
        }
        if (v == 0 && POSITIVE_KEYS.contains(key)) {
          throw new ConfigException(key, "must be positive, got 0");
        }
      }
    }
    for (String key : PORT_KEYS) {
      if (get(key) != null) {
        int v = getInt(key);
        if (v < 0 || v > 65535) {
          throw new ConfigException(key, "expected a port 0-65535, got " + v);
        }
      }
    }
    for (String key : URL_KEYS) {
      String v = get(key);
      if (v != null) {
        checkUrl(key, v, "http", "https");
      }
    }
    if (getInt("RESEARCH_OWNER_STALE_MS") <= getInt("RESEARCH_OWNER_RENEW_MS")) {
      throw new ConfigException("RESEARCH_OWNER_STALE_MS", "must be greater than RESEARCH_OWNER_RENEW_MS ("
          + getInt("RESEARCH_OWNER_RENEW_MS") + "), got " + getInt("RESEARCH_OWNER_STALE_MS"));
    }
    String db = get("DATABASE_URL");
    if (db != null) {
      checkUrl("DATABASE_URL", db, "postgresql", "postgres");
    }
    String redis = get("REDIS_URL");
    if (redis != null) {
      checkUrl("REDIS_URL", redis, "redis", "rediss");
    }
    String provider = get("LLM_PROVIDER");
    if (provider != null && !LLM_PROVIDERS.contains(provider.toLowerCase(java.util.Locale.ROOT))) {
      throw new ConfigException("LLM_PROVIDER", "expected one of " + LLM_PROVIDERS + ", got '" + provider + "'");
    }
    String secondary = get("LLM_SECONDARY_PROVIDER");
    if (secondary != null && !LLM_PROVIDERS.contains(secondary.toLowerCase(java.util.Locale.ROOT))) {
      throw new ConfigException("LLM_SECONDARY_PROVIDER", "expected one of " + LLM_PROVIDERS + ", got '" + secondary + "'");
    }
    String format = get("LOG_FORMAT");
    if (format != null && !List.of("text", "json").contains(format)) {
      throw new ConfigException("LOG_FORMAT", "expected text or json, got '" + format + "'");
    }
    if (get("CHUNK_OVERLAP") != null && getInt("CHUNK_OVERLAP") >= getInt("CHUNK_SIZE")) {
      throw new ConfigException("CHUNK_OVERLAP", "must be smaller than CHUNK_SIZE (" + getInt("CHUNK_SIZE") + ")");
    }
    if (getInt("MAX_PARALLEL_SEARCHES") > getInt("MAX_PARALLEL_SEARCHES_CAP")) {
      throw new ConfigException("MAX_PARALLEL_SEARCHES", "must not exceed MAX_PARALLEL_SEARCHES_CAP (" + getInt("MAX_PARALLEL_SEARCHES_CAP") + ")");
    }
  }

  private static void checkUrl(String key, String v, String... schemes) {
    try {
      URI uri = new URI(v);
      if (uri.getScheme() == null || !List.of(schemes).contains(uri.getScheme()) || uri.getHost() == null) {
        throw new ConfigException(key, "expected a " + String.join("/", schemes) + " URL, got '" + redact(v) + "'");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "is not a valid URL");
    }
  }

  /** A URL with any user-info password masked, for messages and logs. */
  public static String redact(String url) {
    return url == null ? null : url.replaceAll("(//[^:/@]+):[^@/]*@", "$1:***@");
  }

  private static Map<String, String> readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("CONFIG_FILE", "cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (text.stripLeading().startsWith("{")) {
      JsonObject json;
      try {
        json = new JsonObject(text);
      } catch (DecodeException e) {
        throw new ConfigException("CONFIG_FILE", file + " is not valid JSON: " + e.getMessage());
      }
      for (String k : json.fieldNames()) {
        Object v = json.getValue(k);
        out.put(k, v == null ? null : String.valueOf(v));
      }
    } else {
      Properties p = new Properties();
      try {
        p.load(new StringReader(text));
      } catch (IOException e) {
        throw new ConfigException("CONFIG_FILE", "cannot parse " + file + ": " + e.getMessage());
      }
      p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    }
    for (String k : out.keySet()) {
      if (!DEFAULTS.containsKey(k)) {
        throw new ConfigException(k, "unknown configuration key in " + file);
      }
    }
    return out;
  }
}
