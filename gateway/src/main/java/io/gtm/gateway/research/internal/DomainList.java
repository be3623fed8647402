package io.gtm.gateway.research.internal;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of domain names packed into one byte array (one byte per character) and the
 * end offset of each: about 22 bytes a domain instead of ~64 for a {@code List<String>} (the
 * String, its array and the list slot), i.e. 2.2 MB instead of 6.4 MB for a batch of 100,000.
 * {@link #get} builds the String on each call; callers use it for one search or result at a time.
 * Normalised domains are ASCII ({@link DomainNames}); a list with any other character is kept as
 * an ordinary immutable list.
 */
public final class DomainList extends AbstractList<String> implements RandomAccess {
  private final byte[] chars;
  private final int[] ends;

  private DomainList(byte[] chars, int[] ends) {
    this.chars = chars;
    this.ends = ends;
  }

  /**
   * An immutable copy of {@code domains}, packed when every name is ASCII.
   *
   * @throws NullPointerException for a null element, as {@link List#copyOf} does
   */
  public static List<String> of(Collection<String> domains) {
    if (domains instanceof DomainList packed) {
      return packed;
    }
    long total = 0;
    for (String d : domains) {
      Objects.requireNonNull(d, "domain");
      for (int i = 0; i < d.length(); i++) {
        if (d.charAt(i) > 0x7f) {
          return List.copyOf(domains);
        }
      }
      total += d.length();
    }
    if (total > Integer.MAX_VALUE - 16) {
      return List.copyOf(domains);
    }
    byte[] chars = new byte[(int) total];
    int[] ends = new int[domains.size()];
    int at = 0;
    int i = 0;
    for (String d : domains) {
      byte[] b = d.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, chars, at, b.length);
      at += b.length;
      ends[i++] = at;
    }
    return new DomainList(chars, ends);
  }

  @Override
  public String get(int index) {
    Objects.checkIndex(index, ends.length);
    int start = index == 0 ? 0 : ends[index - 1];
    return new String(chars, start, ends[index] - start, StandardCharsets.US_ASCII);
  }

  @Override
  public int size() {
    return ends.length;
  }

  /** Bytes held by the packed form (for tests and benchmarks). */
  public long packedBytes() {
    return chars.length + 4L * ends.length;
  }
}
