package io.gtm.summarizer.internal;

/**
 * One chapter of a book.
 *
 * @param number  1-based, in book order
 * @param heading the whole heading path as printed, levels and numbers included
 *                (e.g. {@code BOOK ONE: 1805. CHAPTER I})
 * @param text    the chapter's text without its heading
 */
public record Chapter(int number, String heading, String text) {}
