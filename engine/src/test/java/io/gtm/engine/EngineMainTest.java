package io.gtm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EngineMainTest {
  @Test
  void parsesServiceNamesInstancesAndCluster() {
    EngineMain.Args a = EngineMain.Args.parse(new String[] {"service", "search-workers,summarizer", "--instances", "3", "--cluster"});
    assertThat(a.command()).isEqualTo("service");
    assertThat(a.services()).containsExactly("search-workers", "summarizer");
    assertThat(a.instances()).isEqualTo(3);
    assertThat(a.cluster()).isTrue();
    assertThat(EngineMain.Args.parse(new String[0]).command()).isEqualTo("all");
  }

  @Test
  void refusesBadCommandLinesWithAReason() {
    assertThatThrownBy(() -> EngineMain.Args.parse(new String[] {"service"})).hasMessageContaining("NAME");
    assertThatThrownBy(() -> EngineMain.Args.parse(new String[] {"launch"})).hasMessageContaining("unknown command");
    assertThatThrownBy(() -> EngineMain.Args.parse(new String[] {"all", "--instances", "x"})).hasMessageContaining("--instances");
    assertThat(EngineMain.run(new String[] {"bogus"})).isEqualTo(2);
    assertThat(EngineMain.run(new String[] {"--help"})).isZero();
  }
}
