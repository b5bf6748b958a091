/**
 * Submission rate limit: a fixed-window counter per client key. `RateLimiter` keeps
 * the windows in memory (one API instance); `SharedRateLimiter` keeps them in the
 * database, so every instance behind a load balancer counts against the same window.
 */
export interface RateLimitOptions {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export interface Limiter {
  /** Counts one request; resolves null when allowed, else seconds until the next is. */
  hit(key: string): Promise<number | null>;
}

export class RateLimiter implements Limiter {
  readonly #options: RateLimitOptions;
  readonly #windows = new Map<string, { start: number; count: number }>();
  #lastSweep = 0;

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  async hit(key: string): Promise<number | null> {
    return this.hitAt(key, Date.now());
  }

  hitAt(key: string, now: number): number | null {
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

/** Where a shared limiter keeps its windows (the PostgreSQL store is one). */
export interface RateLimitBackend {
  hitRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }>;
  pruneRateLimits(windowMs: number): Promise<void>;
}

export class SharedRateLimiter implements Limiter {
  readonly #options: RateLimitOptions;
  readonly #backend: RateLimitBackend;
  #lastPrune = Date.now();

  constructor(backend: RateLimitBackend, options: RateLimitOptions) {
    this.#backend = backend;
    this.#options = options;
  }

  async hit(key: string): Promise<number | null> {
    const { max, windowMs } = this.#options;
    if (Date.now() - this.#lastPrune > windowMs) {
      this.#lastPrune = Date.now();
      this.#backend.pruneRateLimits(windowMs).catch(() => undefined);
    }
    const { count, leftMs } = await this.#backend.hitRateLimit(key, windowMs);
    if (count <= max) return null;
    return Math.max(1, Math.ceil(leftMs / 1000));
  }
}

export function isRateLimitBackend(value: unknown): value is RateLimitBackend {
  return (
    typeof (value as RateLimitBackend).hitRateLimit === 'function' &&
    typeof (value as RateLimitBackend).pruneRateLimits === 'function'
  );
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
