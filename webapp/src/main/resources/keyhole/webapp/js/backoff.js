/**
 * Exponential retry delays: 1, 2, 4, 8, then 10 s forever. A console may be
 * down for minutes (a VM rebooting), so retrying never gives up, but stays gentle.
 */
export class Backoff {
  /**
   * @param {number} [firstMs=1000] the first delay
   * @param {number} [maxMs=10000] the longest delay
   */
  constructor(firstMs = 1000, maxMs = 10000) {
    this.firstMs = firstMs;
    this.maxMs = maxMs;
    this.failures = 0;
  }

  /**
   * Records a failure and returns how long to wait before the next attempt.
   *
   * @returns {number} milliseconds
   */
  next() {
    const delay = Math.min(this.firstMs * 2 ** this.failures, this.maxMs);
    this.failures = Math.min(this.failures + 1, 30);
    return delay;
  }

  /** Forgets the failures: the next delay is the first one again (after a successful connect). */
  reset() {
    this.failures = 0;
  }
}
