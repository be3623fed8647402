/**
 * Resilience for every external provider, one {@link io.gtm.common.resilience.ProviderGate} per
 * provider client: circuit breaker ({@link io.gtm.common.resilience.Breakers}, gauge
 * {@code gtm_breaker_state{name}}), per-process concurrency limit
 * ({@link io.gtm.common.resilience.ConcurrencyLimiter}, fixed or {@link io.gtm.common.resilience.AimdLimit}),
 * cluster-wide sliding-window rate limits in Redis ({@link io.gtm.common.resilience.RedisRateLimiter},
 * per-process {@link io.gtm.common.resilience.SlidingWindow} fallback), retries with
 * {@link io.gtm.common.resilience.RetryHints} / {@link io.gtm.common.resilience.Backoff} waiting
 * outside any permit, and a cluster-wide {@link io.gtm.common.resilience.DistributedSemaphore}
 * with leases (e.g. {@code LLM_CONCURRENCY}).
 */
package io.gtm.common.resilience;
