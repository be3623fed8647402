package io.gtm.common.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** Free ports for tests: one at a time, or a block for a Hazelcast cluster. */
public final class TestPorts {
  private static final AtomicInteger NEXT_BLOCK = new AtomicInteger(
      20000 + (int) (ProcessHandle.current().pid() % 200) * 100);

  private TestPorts() {}

  public static int free() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first port of {@code size} consecutive ports that are free right now. */
  public static int freeBlock(int size) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = NEXT_BLOCK.getAndAdd(size);
      if (base + size > 60000) {
        NEXT_BLOCK.set(20000);
        continue;
      }
      if (allFree(base, size)) {
        return base;
      }
    }
    throw new IllegalStateException("no free block of " + size + " ports");
  }

  private static boolean allFree(int base, int size) {
    for (int p = base; p < base + size; p++) {
      try (ServerSocket s = new ServerSocket(p)) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
