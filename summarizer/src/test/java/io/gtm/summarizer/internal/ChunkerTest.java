package io.gtm.summarizer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  @Test
  void chapterUpToTheThresholdIsOneChunk() {
    String text = ChapterSplitterTest.prose("A short chapter sentence.", 150); // ~3.9k chars
    List<Chunker.Chunk> chunks = new Chunker().chunk(text);
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).text()).isEqualTo(text);
  }

  @Test
  void longChapterIsCutIntoOverlappingChunksAtSentenceBoundaries() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      b.append("Sentence number ").append(i).append(" tells of the sea and the ship. ");
    }
    String text = b.toString().strip();
    List<Chunker.Chunk> chunks = new Chunker(3500, 275, 5000).chunk(text);
    assertThat(chunks.size()).isGreaterThan(4);
    for (int i = 0; i < chunks.size(); i++) {
      Chunker.Chunk c = chunks.get(i);
      assertThat(c.text().length()).isLessThanOrEqualTo(3500);
      assertThat(c.text()).startsWith("Sentence number ");
      if (i < chunks.size() - 1) {
        assertThat(c.text()).endsWith("ship.");
        Chunker.Chunk next = chunks.get(i + 1);
        int overlap = c.end() - next.start();
        assertThat(overlap).isBetween(1, 275);
        assertThat(text.substring(next.start(), c.end())).isEqualTo(c.text().substring(c.text().length() - overlap));
      }
    }
    assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(text.length());
  }

  @Test
  void paragraphEndsArePreferredToSentenceEnds() {
    StringBuilder b = new StringBuilder();
    for (int p = 0; p < 12; p++) {
      b.append(ChapterSplitterTest.prose("Para " + p + " has words in a sentence.", 40)).append("\n\n");
    }
    String text = b.toString().strip();
    List<Chunker.Chunk> chunks = new Chunker(3500, 275, 5000).chunk(text);
    for (int i = 0; i < chunks.size() - 1; i++) {
      Chunker.Chunk c = chunks.get(i);
      assertThat(text.startsWith("\n\n", c.end())).as("chunk %d ends at a paragraph end", i).isTrue();
    }
  }

  @Test
  void aSingleSentenceLongerThanTheSizeIsCutAtWordsAndAHugeWordInside() {
    String words = "word ".repeat(1500).strip();
    List<Chunker.Chunk> chunks = new Chunker(1000, 100, 1000).chunk(words);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.text().length()).isLessThanOrEqualTo(1000);
      assertThat(c.text()).startsWith("word").endsWith("word");
    });
    String blob = "x".repeat(2500);
    assertThat(new Chunker(1000, 100, 1000).chunk(blob)).extracting(c -> c.text().length())
        .allMatch(n -> n <= 1000);
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> new Chunker(3500, 2000, 5000)).hasMessageContaining("CHUNK_OVERLAP");
    assertThatThrownBy(() -> new Chunker(50, 10, 5000)).hasMessageContaining("CHUNK_SIZE");
    assertThatThrownBy(() -> new Chunker(3500, 275, 1000)).hasMessageContaining("CHUNK_THRESHOLD");
  }

  @Test
  void warAndPeaceChunkCountsAtDefaultAndSmallerSettings() throws Exception {
    List<Chapter> chapters = ChapterSplitter.split(Corpus.read("war-and-peace.txt"));
    int[] defaults = count(chapters, new Chunker(3500, 275, 5000));
    int[] small = count(chapters, new Chunker(2000, 400, 5000));
    // Printed for the report: chunks, and chapters that need more than one chunk.
    System.out.printf("War and Peace: 3500/275 -> %d chunks (%d multi-chunk chapters); 2000/400 -> %d chunks%n",
        defaults[0], defaults[1], small[0]);
    assertThat(defaults[0]).isGreaterThan(chapters.size());
    assertThat(small[0]).isGreaterThan(defaults[0] * 3 / 2);
  }

  private static int[] count(List<Chapter> chapters, Chunker chunker) {
    int chunks = 0;
    int multi = 0;
    for (Chapter c : chapters) {
      List<Chunker.Chunk> cs = chunker.chunk(c.text());
      chunks += cs.size();
      multi += cs.size() > 1 ? 1 : 0;
      for (Chunker.Chunk k : cs) {
        assertThat(k.text().length()).isLessThanOrEqualTo(cs.size() == 1 ? 5000 : 3500);
      }
    }
    return new int[] {chunks, multi};
  }
}
