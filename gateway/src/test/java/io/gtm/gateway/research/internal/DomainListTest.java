package io.gtm.gateway.research.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainListTest {

  @Test
  void holdsTheDomainsInOrderPacked() {
    List<String> src = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      src.add("benchco" + i + ".com");
    }
    List<String> packed = DomainList.of(src);
    assertThat(packed).isInstanceOf(DomainList.class).hasSize(100_000).isEqualTo(src);
    assertThat(packed.get(0)).isEqualTo("benchco0.com");
    assertThat(packed.get(99_999)).isEqualTo("benchco99999.com");
    // one byte a character and one int a domain: 2.0 MB here, where a List<String> holds ~6 MB
    long chars = src.stream().mapToLong(String::length).sum();
    assertThat(((DomainList) packed).packedBytes()).isEqualTo(chars + 4L * src.size());
    assertThat(DomainList.of(packed)).isSameAs(packed);
  }

  @Test
  void isImmutableAndChecksIndexes() {
    List<String> packed = DomainList.of(List.of("a.com", "b.co.uk"));
    assertThatThrownBy(() -> packed.add("c.com")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> packed.set(0, "c.com")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> packed.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> packed.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(DomainList.of(List.of())).isEmpty();
  }

  @Test
  void rejectsNullsAndKeepsNonAsciiAsIs() {
    assertThatThrownBy(() -> DomainList.of(Arrays.asList("a.com", null))).isInstanceOf(NullPointerException.class);
    List<String> other = DomainList.of(List.of("a.com", "bücher.de"));
    assertThat(other).isNotInstanceOf(DomainList.class).containsExactly("a.com", "bücher.de");
  }
}
