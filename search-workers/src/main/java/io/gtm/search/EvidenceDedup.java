package io.gtm.search;

import io.gtm.common.model.Evidence;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the evidence of one (job, domain) unique by (url, title, snippet) across every search of
 * that domain, in every search-workers process: one Redis {@code SET key 1 NX EX ttl} per item, a
 * null answer meaning "seen". While Redis is unreachable it falls back to an in-process record
 * (bounded, per process) and says so once.
 */
public final class EvidenceDedup {
  private static final Logger log = LoggerFactory.getLogger(EvidenceDedup.class);
  static final long TTL_SECONDS = 24 * 3600;
  private static final long REDIS_TIMEOUT_MS = 1000;
  private static final long RETRY_REDIS_AFTER_MS = 5000;
  private static final int LOCAL_KEYS = 50_000;

  private final Redis redis;
  private final String prefix;
  private final Map<String, Set<String>> local = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
      return size() > LOCAL_KEYS;
    }
  };
  private volatile long redisDownUntil;

  public EvidenceDedup(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /** The items of {@code evidence} not seen before for this job and domain, in their order. */
  public Future<List<Evidence>> fresh(String jobId, String domain, List<Evidence> evidence) {
    if (evidence.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> hashes = new ArrayList<>(evidence.size());
    evidence.forEach(e -> hashes.add(hash(e.dedupKey())));
    if (redis == null || System.currentTimeMillis() < redisDownUntil) {
      return Future.succeededFuture(freshLocally(jobId, domain, evidence, hashes));
    }
    List<Request> batch = new ArrayList<>(hashes.size());
    for (String h : hashes) {
      batch.add(Request.cmd(Command.SET).arg(prefix + jobId + ':' + domain + ':' + h).arg("1")
          .arg("NX").arg("EX").arg(TTL_SECONDS));
    }
    return redis.batch(batch).timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(answers -> {
          List<Evidence> out = new ArrayList<>();
          Set<String> inThisCall = new HashSet<>();
          for (int i = 0; i < evidence.size(); i++) {
            Response r = answers.get(i);
            if (r != null && inThisCall.add(hashes.get(i))) {
              out.add(evidence.get(i));
            }
          }
          return out;
        })
        .recover(err -> {
          if (redisDownUntil == 0 || System.currentTimeMillis() >= redisDownUntil) {
            log.warn("Redis unreachable for evidence de-duplication ({}); using in-process records", err.getMessage());
          }
          redisDownUntil = System.currentTimeMillis() + RETRY_REDIS_AFTER_MS;
          return Future.succeededFuture(freshLocally(jobId, domain, evidence, hashes));
        });
  }

  private synchronized List<Evidence> freshLocally(String jobId, String domain, List<Evidence> evidence,
                                                   List<String> hashes) {
    Set<String> seen = local.computeIfAbsent(jobId + ':' + domain, k -> new HashSet<>());
    List<Evidence> out = new ArrayList<>();
    for (int i = 0; i < evidence.size(); i++) {
      if (seen.add(hashes.get(i))) {
        out.add(evidence.get(i));
      }
    }
    return out;
  }

  static String hash(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(24);
      for (int i = 0; i < 12; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
