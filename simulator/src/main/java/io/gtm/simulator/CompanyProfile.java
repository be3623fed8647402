package io.gtm.simulator;

import java.util.List;

/**
 * The ground truth the simulator serves for one company: what its search results, news and job
 * postings say. Deterministic per domain (see {@link CompanyProfiles#of}).
 *
 * @param domain normalized domain, e.g. {@code acme-robotics.com}
 * @param boardToken Greenhouse board token: the domain's first label ({@code acme-robotics})
 * @param name company name: the first label, hyphens as spaces, words capitalized ({@code Acme Robotics})
 * @param technologies technologies from {@link CompanyProfiles#TECHNOLOGIES} the company uses
 * @param signals signals from {@link CompanyProfiles#SIGNALS} (hiring, funding, ...)
 * @param hasBoard false: its Greenhouse board answers 404
 * @param hasNews false: NewsAPI finds no articles
 */
public record CompanyProfile(String domain, String boardToken, String name, String industry, String city,
                             int employees, List<String> technologies, List<String> signals,
                             boolean hasBoard, boolean hasNews, int jobCount, int newsCount) {}
