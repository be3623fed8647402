package io.gtm.common.llm.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Word-level text handling shared by the offline provider: tokens, stop words and a light stemmer. */
public final class Words {
  private Words() {}

  /** Common English function words, plus words that carry no meaning in a research goal. */
  public static final Set<String> STOP_WORDS = Set.copyOf(java.util.Arrays.asList(
      "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
      "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
      "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
      "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
      "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
      "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
      "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
      "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to",
      "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
      "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
      "upon", "unto", "thee", "thou", "thy", "thine", "ye", "said", "say", "says", "one", "two", "also",
      "yet", "let", "may", "might", "must", "shall", "ever", "even", "much", "many", "well", "still", "us",
      "like", "though", "although", "whether", "without", "within", "among", "mr", "mrs", "miss", "sir",
      "oh", "ah", "o", "yes", "don't", "didn't", "it's", "i'm", "that's", "there's", "he's", "she's", "go",
      "went", "come", "came", "get", "got", "made", "make", "see", "saw", "know", "knew", "think", "thought",
      "every", "nothing", "something", "anything", "thing", "things", "way", "little", "great", "old",
      "never", "always", "again", "away", "back", "another", "however", "therefore", "thus", "hence",
      "via", "etc", "per", "new", "s", "t"));

  /** Words of a research goal that say what is wanted, not what to look for. */
  public static final Set<String> GOAL_NOISE = Set.copyOf(java.util.Arrays.asList(
      "find", "finding", "identify", "companies", "company", "businesses", "business", "organizations",
      "organization", "firms", "firm", "using", "use", "uses", "used", "looking", "look", "currently",
      "actively", "which", "that", "who", "are", "is", "them", "any", "list", "show", "me", "want", "need",
      "based", "research", "goal", "signs", "sign", "evidence", "potential", "likely"));

  /** Lower-case word tokens (letters, digits, inner apostrophes). */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && !Character.isLetterOrDigit(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n) {
        char c = text.charAt(i);
        if (Character.isLetterOrDigit(c)) {
          i++;
        } else if ((c == '\'' || c == '\u2019') && i + 1 < n && Character.isLetter(text.charAt(i + 1))) {
          i++;
        } else {
          break;
        }
      }
      if (i > start) {
        out.add(text.substring(start, i).replace('\u2019', '\'').toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** Content-word stems of a text: stop words removed, each word stemmed. */
  public static List<String> contentStems(String text) {
    List<String> out = new ArrayList<>();
    for (String t : tokens(text)) {
      if (!isStopWord(t) && t.length() > 1) {
        out.add(stem(t));
      }
    }
    return out;
  }

  public static boolean isStopWord(String lowerWord) {
    return STOP_WORDS.contains(lowerWord);
  }

  /**
   * A light suffix-stripping stemmer (a few of Porter's rules): enough to make hiring/hire/hired,
   * migrate/migrating/migration and technology/technologies meet.
   */
  public static String stem(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    if (w.endsWith("'s")) {
      w = w.substring(0, w.length() - 2);
    }
    if (w.length() <= 3) {
      return w;
    }
    if (w.endsWith("sses")) {
      w = w.substring(0, w.length() - 2);
    } else if (w.endsWith("ies") && w.length() > 4) {
      w = w.substring(0, w.length() - 3) + "y";
    } else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
      w = w.substring(0, w.length() - 1);
    }
    String[] suffixes = {"ational", "ization", "ations", "ation", "ingly", "ments", "ment", "ing", "ion",
        "edly", "ed", "er", "ly"};
    for (String s : suffixes) {
      if (w.endsWith(s) && w.length() - s.length() >= 3) {
        w = w.substring(0, w.length() - s.length());
        if (s.equals("ation") || s.equals("ations") || s.equals("ational")) {
          w = w + "at";
        }
        break;
      }
    }
    if (w.endsWith("e") && w.length() > 3) {
      w = w.substring(0, w.length() - 1);
    }
    int n = w.length();
    if (n > 3 && w.charAt(n - 1) == w.charAt(n - 2) && "bdgmnprt".indexOf(w.charAt(n - 1)) >= 0) {
      w = w.substring(0, n - 1);
    }
    return w;
  }

  /** Rough token count of a text (4 characters a token), as the providers bill it. */
  public static int estimateTokens(String text) {
    return text == null ? 0 : Math.max(1, (text.length() + 3) / 4);
  }
}
