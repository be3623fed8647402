package io.gtm.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsMatchTheDocumentedValues() {
    EngineConfig c = EngineConfig.load(null, Map.of());
    assertThat(c.getInt("HTTP_PORT")).isEqualTo(8080);
    assertThat(c.getInt("API_JOBS_PER_MINUTE")).isEqualTo(60);
    assertThat(c.get("CORS_ORIGINS")).isEqualTo("*");
    assertThat(c.getInt("MAX_BODY_BYTES")).isEqualTo(20_971_520);
    assertThat(c.get("DATABASE_URL")).isEqualTo("postgresql://postgres@127.0.0.1:5432/postgres");
    assertThat(c.get("REDIS_URL")).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.isSet("API_KEYS")).isFalse();
    assertThat(c.llmProvider()).isEqualTo("offline");
    assertThat(c.getInt("CLUSTER_PORT")).isEqualTo(5701);
    assertThat(c.getInt("METRICS_PORT")).isZero();
    assertThat(c.getList("CLUSTER_MEMBERS")).containsExactly("127.0.0.1");
  }

  @Test
  void environmentWinsOverTheFileWhichWinsOverDefaults() throws Exception {
    Path file = dir.resolve("engine.json");
    Files.writeString(file, "{\"HTTP_PORT\": 9000, \"LLM_CONCURRENCY\": 7, \"API_KEYS\": \"a,b\"}");
    EngineConfig c = EngineConfig.load(file, Map.of("HTTP_PORT", "9100", "UNRELATED", "x"));
    assertThat(c.getInt("HTTP_PORT")).isEqualTo(9100);
    assertThat(c.getInt("LLM_CONCURRENCY")).isEqualTo(7);
    assertThat(c.getList("API_KEYS")).containsExactly("a", "b");
    assertThat(c.getInt("CHUNK_SIZE")).isEqualTo(3500);
  }

  @Test
  void propertiesFileNamedByConfigFileIsRead() throws Exception {
    Path file = dir.resolve("engine.properties");
    Files.writeString(file, "CHUNK_SIZE=4000\nLLM_PROVIDER=gemini\n");
    EngineConfig c = EngineConfig.load(Map.of("CONFIG_FILE", file.toString()));
    assertThat(c.getInt("CHUNK_SIZE")).isEqualTo(4000);
    assertThat(c.llmProvider()).isEqualTo("gemini");
  }

  @Test
  void aBadValueFailsNamingItsKey() {
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("HTTP_PORT", "eighty")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("HTTP_PORT"))
        .hasMessageStartingWith("HTTP_PORT");
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("LLM_CONCURRENCY", "0")))
        .hasMessageStartingWith("LLM_CONCURRENCY");
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("REDIS_URL", "http://x")))
        .hasMessageStartingWith("REDIS_URL");
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("LLM_PROVIDER", "magic")))
        .hasMessageStartingWith("LLM_PROVIDER");
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("METRICS_PORT", "70000")))
        .hasMessageStartingWith("METRICS_PORT");
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("CHUNK_OVERLAP", "4000")))
        .hasMessageStartingWith("CHUNK_OVERLAP");
  }

  @Test
  void unknownKeyInTheFileIsRefusedByName() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"HTTP_PROT\": 1}");
    assertThatThrownBy(() -> EngineConfig.load(file, Map.of())).hasMessageStartingWith("HTTP_PROT");
  }

  @Test
  void passwordsAreRedactedInMessages() {
    assertThatThrownBy(() -> EngineConfig.load(null, Map.of("DATABASE_URL", "mysql://u:hunter2@h/db")))
        .hasMessageNotContaining("hunter2");
    assertThat(EngineConfig.redact("redis://user:pw123@host:6379")).isEqualTo("redis://user:***@host:6379");
  }

  @Test
  void jsonRoundTripKeepsEveryValue() {
    EngineConfig c = EngineConfig.of(Map.of("API_KEYS", "k1", "HTTP_PORT", "0"));
    EngineConfig back = EngineConfig.fromJson(c.toJson());
    assertThat(back.get("API_KEYS")).isEqualTo("k1");
    assertThat(back.getInt("HTTP_PORT")).isZero();
  }
}
