/**
 * Submission rate limit: a fixed-window count of *accepted* submissions per client key
 * (`clientKey(request.ip)`: an IPv4 address, or an IPv6 /64; behind a trusted proxy the
 * forwarded one). What the limit is for is storing too much from one place, so only a
 * stored submission counts. Junk bodies, refusals, honeypot bodies and same-key replays
 * cost nothing, so nobody can spend a neighbour's allowance with bad requests.
 *
 * A submission takes its slot atomically before the work that stores it (`take`), and
 * gives it back when nothing was stored after all (`release`): parallel sends cannot
 * all pass a check that none of them has counted yet.
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
  /** Takes one slot: null when taken, else seconds until one is free (nothing taken). */
  take(key: string): Promise<number | null>;
  /** Gives back a slot taken for a submission that was not stored after all. */
  release(key: string): Promise<void>;
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

  async take(key: string): Promise<number | null> {
    return this.takeAt(key, Date.now());
  }

  async release(key: string): Promise<void> {
    const window = this.#current(key, Date.now());
    if (window && window.count > 0) window.count -= 1;
  }

  checkAt(key: string, now: number): number | null {
    const window = this.#current(key, now);
    if (!window || window.count < this.#options.max) return null;
    return Math.max(1, Math.ceil((window.start + this.#options.windowMs - now) / 1000));
  }

  /** Synchronous, so two sends in one event-loop turn cannot both take the last slot. */
  takeAt(key: string, now: number): number | null {
    const wait = this.checkAt(key, now);
    if (wait !== null) return wait;
    if (now - this.#lastSweep > this.#options.windowMs) this.#sweep(now);
    let window = this.#current(key, now);
    if (!window) this.#windows.set(key, (window = { start: now, count: 0 }));
    window.count += 1;
    return null;
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
  /** Counts one, atomically, and returns the window's count and the milliseconds it has left. */
  hitRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }>;
  /** The current window's count (0 when none) and milliseconds left, counting nothing. */
  peekRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }>;
  /** Gives back one count of the current window. */
  releaseRateLimit(key: string, windowMs: number): Promise<void>;
  pruneRateLimits(windowMs: number): Promise<void>;
}

/**
 * How old a window must be before any limiter prunes it. Limiters with different windows
 * share the table (submissions: 10 minutes; staff sign-ins: 15), so none may prune by its
 * own window: the shortest would cut the others' windows short.
 */
export const PRUNE_AFTER_MS = 86_400_000;

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

  async take(key: string): Promise<number | null> {
    const { max, windowMs } = this.#options;
    if (Date.now() - this.#lastPrune > windowMs) {
      this.#lastPrune = Date.now();
      this.#backend.pruneRateLimits(Math.max(windowMs, PRUNE_AFTER_MS)).catch(() => undefined);
    }
    const { count, leftMs } = await this.#backend.hitRateLimit(key, windowMs);
    if (count <= max) return null;
    // Over: the count just made is not a submission; give it back.
    await this.#backend.releaseRateLimit(key, windowMs);
    return Math.max(1, Math.ceil(leftMs / 1000));
  }

  async release(key: string): Promise<void> {
    await this.#backend.releaseRateLimit(key, this.#options.windowMs);
  }
}

export function isRateLimitBackend(value: unknown): value is RateLimitBackend {
  const backend = value as RateLimitBackend;
  return (
    typeof backend.hitRateLimit === 'function' &&
    typeof backend.peekRateLimit === 'function' &&
    typeof backend.releaseRateLimit === 'function' &&
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

/** A limiter that counts in the store's shared table when it has one, else in memory. */
export function limiterFor(backend: unknown, options: RateLimitOptions): Limiter {
  return isRateLimitBackend(backend)
    ? new SharedRateLimiter(backend, options)
    : new RateLimiter(options);
}
