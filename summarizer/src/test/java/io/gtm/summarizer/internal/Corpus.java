package io.gtm.summarizer.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared book corpus: found by walking up from the working directory to a {@code shared/corpus}. */
public final class Corpus {
  private Corpus() {}

  public static Path dir() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path candidate = p.resolve("shared").resolve("corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      p = p.getParent();
    }
    return null;
  }

  /** The book's text; the calling test is skipped when the corpus is not on this machine. */
  public static String read(String name) throws IOException {
    Path dir = dir();
    assumeTrue(dir != null && Files.isReadable(dir.resolve(name)), "corpus book " + name + " not found");
    return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
  }
}
