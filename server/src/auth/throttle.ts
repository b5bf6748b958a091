/**
 * Failed sign-ins, counted per account and per client address (`clientKey`: an IPv4
 * address or an IPv6 /64) in fixed windows: by default 5 per account and 30 per address
 * in 15 minutes. Past either, sign-in answers `429 rate_limited` with `Retry-After`,
 * whether or not the password is right, and whether or not the account exists (an
 * unknown address is counted like a known one, so the limit tells nothing).
 *
 * Each attempt takes its slot before the password is checked and gives it back only
 * when the password was right, so a hundred parallel guesses cannot all pass a check
 * that none of them has counted yet, and a success never wipes earlier failures.
 * On PostgreSQL the windows live in the database (`SharedRateLimiter`), so the limit
 * holds across every instance behind the balancer.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import { isRateLimitBackend, RateLimiter, SharedRateLimiter, type Limiter } from '../rate-limit.js';

export interface SignInThrottleOptions {
  /** Failed attempts per account and window. */
  perAccount: number;
  /** Failed attempts per client address and window, whichever accounts they name. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: Readonly<SignInThrottleOptions> = {
  perAccount: 5,
  perAddress: 30,
  windowMs: 15 * 60_000,
};

/** One attempt's slots: give them back when it succeeded or never ran. */
export interface Attempt {
  giveBack(): Promise<void>;
}

const tooMany = (seconds: number) =>
  new ApiError(429, 'rate_limited', 'Too many failed sign-ins; try again later', {
    headers: { 'retry-after': String(seconds) },
  });

export class SignInThrottle {
  readonly #account: Limiter | null;
  readonly #address: Limiter | null;

  constructor(backend: unknown, options: SignInThrottleOptions | false) {
    if (!options) {
      this.#account = null;
      this.#address = null;
      return;
    }
    const make = (max: number): Limiter => {
      const limit = { max, windowMs: options.windowMs };
      return isRateLimitBackend(backend)
        ? new SharedRateLimiter(backend, limit)
        : new RateLimiter(limit);
    };
    this.#account = make(options.perAccount);
    this.#address = make(options.perAddress);
  }

  /** Takes a slot for the account and one for the address, or throws `429`. */
  async begin(email: string, address: string): Promise<Attempt> {
    // Hashed: the shared windows are rows in the database, and need not hold addresses.
    const account = this.#account;
    const byAddress = this.#address;
    if (!account || !byAddress) return { giveBack: async () => undefined };
    const accountKey = `staff-sign-in:account:${createHash('sha256').update(email).digest('hex')}`;
    const addressKey = `staff-sign-in:address:${address}`;
    const accountWait = await account.take(accountKey);
    if (accountWait !== null) throw tooMany(accountWait);
    const addressWait = await byAddress.take(addressKey);
    if (addressWait !== null) {
      await account.release(accountKey);
      throw tooMany(addressWait);
    }
    return {
      giveBack: async () => {
        await Promise.all([account.release(accountKey), byAddress.release(addressKey)]);
      },
    };
  }
}
