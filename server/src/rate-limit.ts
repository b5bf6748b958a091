/** A fixed-window counter per client key, in memory (one API instance). */
export interface RateLimitOptions {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #windows = new Map<string, { start: number; count: number }>();
  #lastSweep = 0;

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  /** Counts one request; returns null when allowed, else seconds until the next is. */
  hit(key: string, now = Date.now()): number | null {
    const { max, windowMs } = this.#options;
    if (now - this.#lastSweep > windowMs) this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= max) return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    window.count += 1;
    return null;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#options.windowMs) this.#windows.delete(key);
    }
  }
}

/** Parses `max/seconds` (e.g. `20/600`), `off`, or nothing (the default). */
export function parseRateLimit(
  value: string | undefined,
  fallback: RateLimitOptions,
): RateLimitOptions | false {
  if (!value) return fallback;
  if (value === 'off' || value === '0') return false;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match)
    throw new Error(`CAMPAIGN_RATE_LIMIT must look like 20/600 (max/seconds), got ${value}`);
  return { max: Number(match[1]), windowMs: Number(match[2]) * 1000 };
}
