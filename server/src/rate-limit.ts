/**
 * Submission rate limit: a fixed-window count of *accepted* submissions per client key
 * (the client address, `request.ip`: behind a trusted proxy the forwarded one). What the
 * limit is for is storing too much from one place, so only a stored submission — or a
 * honeypot body, which only bots fill in — counts. Junk bodies, refusals and same-key
 * replays cost nothing, so nobody can spend a neighbour's allowance with bad requests.
 *
 * `RateLimiter` keeps the windows in memory (one API instance); `SharedRateLimiter`
 * keeps them in the database, so every instance behind a load balancer counts against
 * the same window.
 *
 * Why not `@fastify/rate-limit`: it counts every request in a hook before the handler
 * has decided anything, which is exactly what let junk requests lock readers out.
 */
export interface RateLimitOptions {
  /** Accepted submissions allowed per window. */
  max: number;
  windowMs: number;
}

export interface Limiter {
  /** Resolves null while the key may submit, else seconds until it may again. Counts nothing. */
  check(key: string): Promise<number | null>;
  /** Counts one accepted submission. */
  count(key: string): Promise<void>;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter implements Limiter {
  readonly #options: RateLimitOptions;
  readonly #windows = new Map<string, Window>();
  #lastSweep = 0;

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  async check(key: string): Promise<number | null> {
    return this.checkAt(key, Date.now());
  }

  async count(key: string): Promise<void> {
    this.countAt(key, Date.now());
  }

  checkAt(key: string, now: number): number | null {
    const window = this.#current(key, now);
    if (!window || window.count < this.#options.max) return null;
    return Math.max(1, Math.ceil((window.start + this.#options.windowMs - now) / 1000));
  }

  countAt(key: string, now: number): void {
    if (now - this.#lastSweep > this.#options.windowMs) this.#sweep(now);
    let window = this.#current(key, now);
    if (!window) this.#windows.set(key, (window = { start: now, count: 0 }));
    window.count += 1;
  }

  #current(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    return window && now - window.start < this.#options.windowMs ? window : undefined;
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
  /** Counts one and returns the window's count and the milliseconds it has left. */
  hitRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }>;
  /** The current window's count (0 when none) and milliseconds left, counting nothing. */
  peekRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }>;
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

  async check(key: string): Promise<number | null> {
    const { max, windowMs } = this.#options;
    const { count, leftMs } = await this.#backend.peekRateLimit(key, windowMs);
    return count < max ? null : Math.max(1, Math.ceil(leftMs / 1000));
  }

  async count(key: string): Promise<void> {
    const { windowMs } = this.#options;
    if (Date.now() - this.#lastPrune > windowMs) {
      this.#lastPrune = Date.now();
      this.#backend.pruneRateLimits(windowMs).catch(() => undefined);
    }
    await this.#backend.hitRateLimit(key, windowMs);
  }
}

export function isRateLimitBackend(value: unknown): value is RateLimitBackend {
  const backend = value as RateLimitBackend;
  return (
    typeof backend.hitRateLimit === 'function' &&
    typeof backend.peekRateLimit === 'function' &&
    typeof backend.pruneRateLimits === 'function'
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
