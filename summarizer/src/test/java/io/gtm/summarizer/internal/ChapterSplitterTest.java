package io.gtm.summarizer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChapterSplitterTest {

  @Test
  void warAndPeaceSplitsIntoItsThreeHundredSixtyFiveChapters() throws Exception {
    // 15 BOOKs with 337 chapters, FIRST EPILOGUE 16 chapters, SECOND EPILOGUE 12 chapters:
    // 365 lines "CHAPTER <roman>" at the left margin (the contents list is indented and is skipped).
    List<Chapter> chapters = ChapterSplitter.split(Corpus.read("war-and-peace.txt"));
    assertThat(chapters).hasSize(365);
    assertThat(chapters.get(0).heading()).isEqualTo("BOOK ONE: 1805. CHAPTER I");
    assertThat(chapters.get(0).text()).startsWith("\u201cWell, Prince, so Genoa and Lucca");
    assertThat(chapters.get(341).heading()).isEqualTo("FIRST EPILOGUE: 1813 - 20. CHAPTER V");
    assertThat(chapters.get(364).heading()).isEqualTo("SECOND EPILOGUE. CHAPTER XII");
    assertThat(chapters.get(364).text()).doesNotContain("Project Gutenberg").doesNotContain("END OF");
    assertNumberedInOrder(chapters);
  }

  @Test
  void mobyDickSplitsIntoOneHundredThirtyFiveChapters() throws Exception {
    // 135 "CHAPTER n. Title" headings. The unnumbered "Epilogue" is not a chapter (only the numbered
    // chapters of an epilogue are): its text closes chapter 135. ETYMOLOGY and EXTRACTS are front matter.
    List<Chapter> chapters = ChapterSplitter.split(Corpus.read("moby-dick.txt"));
    assertThat(chapters).hasSize(135);
    assertThat(chapters.get(0).heading()).isEqualTo("CHAPTER 1. Loomings.");
    assertThat(chapters.get(0).text()).startsWith("Call me Ishmael.");
    assertThat(chapters.get(55).heading())
        .isEqualTo("CHAPTER 56. Of the Less Erroneous Pictures of Whales, and the True Pictures of Whaling Scenes.");
    assertThat(chapters.get(134).heading()).isEqualTo("CHAPTER 135. The Chase.\u2014Third Day.");
    assertThat(chapters.get(134).text()).contains("The drama\u2019s done.").doesNotContain("Gutenberg");
    assertThat(chapters).noneMatch(c -> c.text().contains("Supplied by a Late Consumptive Usher"));
    assertNumberedInOrder(chapters);
  }

  @Test
  void greatExpectationsSplitsIntoFiftyNineChapters() throws Exception {
    // "Chapter I" .. "Chapter LIX"; the text has no contents list, the front matter is a title page.
    List<Chapter> chapters = ChapterSplitter.split(Corpus.read("great-expectations.txt"));
    assertThat(chapters).hasSize(59);
    assertThat(chapters.get(0).heading()).isEqualTo("Chapter I");
    assertThat(chapters.get(0).text()).startsWith("My father\u2019s family name being Pirrip");
    assertThat(chapters.get(58).heading()).isEqualTo("Chapter LIX");
    assertThat(chapters.get(58).text()).doesNotContain("PROJECT GUTENBERG").doesNotContain("Gutenberg");
    assertNumberedInOrder(chapters);
  }

  @Test
  void aThreeMegabyteBookSplitsWellUnderASecond() throws Exception {
    String book = Corpus.read("war-and-peace.txt");
    ChapterSplitter.split(book); // warm-up
    long t0 = System.nanoTime();
    ChapterSplitter.split(book);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).isLessThan(1000);
  }

  @Test
  void contentsEntriesAreNotChapters() {
    String text = "CONTENTS\n\n    CHAPTER I. The Start\n\n    CHAPTER II. The End\n\n\n"
        + "CHAPTER I. The Start\n\n" + prose("Anna walked to the river.", 20) + "\n\n"
        + "CHAPTER II. The End\n\n" + prose("Boris rode home at night.", 20) + "\n";
    List<Chapter> chapters = ChapterSplitter.split(text);
    assertThat(chapters).extracting(Chapter::heading).containsExactly("CHAPTER I. The Start", "CHAPTER II. The End");
    assertThat(chapters.get(0).text()).startsWith("Anna walked").doesNotContain("Boris");
  }

  @Test
  void contentsListedOnConsecutiveLinesIsNotAChapter() {
    String text = "Contents\n\nChapter 1\nChapter 2\nChapter 3\n\n"
        + "Chapter 1\n\n" + prose("One.", 30) + "\n\nChapter 2\n\n" + prose("Two.", 30)
        + "\n\nChapter 3\n\n" + prose("Three.", 30);
    assertThat(ChapterSplitter.split(text)).extracting(Chapter::heading)
        .containsExactly("Chapter 1", "Chapter 2", "Chapter 3");
  }

  @Test
  void crlfAndByteOrderMarkAreHandledAndGutenbergWrapperRemoved() {
    String text = "\uFEFFThe Project Gutenberg EBook of Test\r\n\r\n*** START OF THE PROJECT GUTENBERG EBOOK TEST ***\r\n\r\n"
        + "PART ONE\r\n\r\nChapter 1\r\n\r\n" + prose("Levin mowed the meadow.", 20).replace("\n", "\r\n")
        + "\r\n\r\nChapter 2\r\n\r\n" + prose("Kitty skated on the pond.", 20).replace("\n", "\r\n")
        + "\r\n\r\nPART TWO\r\n\r\nChapter 1\r\n\r\n" + prose("Anna left for Moscow.", 20).replace("\n", "\r\n")
        + "\r\n\r\n*** END OF THE PROJECT GUTENBERG EBOOK TEST ***\r\nLicence text here.\r\n";
    List<Chapter> chapters = ChapterSplitter.split(text);
    assertThat(chapters).extracting(Chapter::heading)
        .containsExactly("PART ONE. Chapter 1", "PART ONE. Chapter 2", "PART TWO. Chapter 1");
    assertThat(chapters).allSatisfy(c -> assertThat(c.text()).doesNotContain("\r").doesNotContain("Licence"));
  }

  @Test
  void nestedLevelsAreKeptInTheHeadingPath() {
    String text = "VOLUME I.\n\nBOOK FIRST.\n\nCHAPTER I. M. Myriel\n\n" + prose("The bishop was kind.", 20)
        + "\n\nCHAPTER II. M. Myriel becomes M. Welcome\n\n" + prose("The palace was large.", 20)
        + "\n\nBOOK SECOND.\n\nCHAPTER I. The Evening\n\n" + prose("A man walked in.", 20)
        + "\n\nVOLUME II.\n\nBOOK FIRST.\n\nCHAPTER I. Waterloo\n\n" + prose("Rain fell.", 30)
        + "\n\nAPPENDIX\n\n" + prose("Notes on the text.", 20);
    assertThat(ChapterSplitter.split(text)).extracting(Chapter::heading).containsExactly(
        "VOLUME I. BOOK FIRST. CHAPTER I. M. Myriel",
        "VOLUME I. BOOK FIRST. CHAPTER II. M. Myriel becomes M. Welcome",
        "VOLUME I. BOOK SECOND. CHAPTER I. The Evening",
        "VOLUME II. BOOK FIRST. CHAPTER I. Waterloo");
  }

  @Test
  void bareRomanHeadingsAreChaptersWhenThereAreNoChapterHeadings() {
    String text = "PREFACE\n\n" + prose("Why I wrote this.", 10) + "\n\nI.\n\n" + prose("First part.", 20)
        + "\n\nII.\n\n" + prose("Second part.", 20) + "\n\nIII. THE LAST\n\n" + prose("Third part.", 20);
    List<Chapter> chapters = ChapterSplitter.split(text);
    assertThat(chapters).extracting(Chapter::heading).containsExactly("I.", "II.", "III. THE LAST");
    assertThat(chapters).noneMatch(c -> c.text().contains("Why I wrote"));
  }

  @Test
  void textWithoutHeadingsBecomesSectionsCutAtParagraphs() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      text.append("Paragraph ").append(i).append(". ").append(prose("The wind blew over the hills.", 10))
          .append("\n\n");
    }
    List<Chapter> sections = ChapterSplitter.split(text.toString());
    assertThat(sections.size()).isBetween(3, 8);
    assertThat(sections).allSatisfy(s -> {
      assertThat(s.text().length()).isBetween(2000, 16000);
      assertThat(s.text()).startsWith("Paragraph ").endsWith("hills.");
    });
    assertThat(sections.get(0).heading()).isEqualTo("Section 1");
    int total = sections.stream().mapToInt(s -> s.text().length()).sum();
    assertThat(total).isGreaterThan(text.length() - 300);
  }

  private static void assertNumberedInOrder(List<Chapter> chapters) {
    for (int i = 0; i < chapters.size(); i++) {
      assertThat(chapters.get(i).number()).isEqualTo(i + 1);
      assertThat(chapters.get(i).text()).isNotBlank();
    }
  }

  static String prose(String sentence, int times) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < times; i++) {
      b.append(sentence).append(i % 6 == 5 ? "\n" : " ");
    }
    return b.toString().strip();
  }
}
