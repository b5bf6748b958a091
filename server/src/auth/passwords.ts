/**
 * Staff passwords: scrypt (`node:crypto`, off the event loop), its parameters kept in the
 * stored string (`scrypt$N$r$p$salt$hash`, salt and hash in base64url) so they can be
 * raised later without locking anyone out (`needsRehash`).
 *
 * A hash costs about 85 ms of one core and 32 MiB, so only a few run at once and a
 * bounded number wait (`HashQueue`); past that a sign-in is refused at once with `503`
 * and `Retry-After`. A flood of sign-ins thus neither fills libuv's thread pool (4
 * threads by default, shared with file reads and DNS) nor memory. Lengths are checked
 * before anything is hashed: a megabyte-long password costs nothing.
 */
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { ApiError, type FieldProblem } from '../errors.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB per hash; about 85 ms on a 2020s server core. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function scrypt(
  password: string,
  salt: Buffer,
  params: ScryptParams,
  keyBytes = KEY_BYTES,
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // Node refuses above 32 MiB by default, which is exactly what N = 2^15, r = 8 needs.
    maxmem: 128 * params.N * params.r * params.p + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, keyBytes, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

// ---- how many hashes run at once ----

export interface HashQueueOptions {
  /** Hashes computed at the same time (default 2: half of libuv's default pool). */
  concurrency: number;
  /** Hashes that may wait for a slot; one more is refused with 503 (default 32). */
  maxWaiting: number;
}

export class HashQueue {
  #options: HashQueueOptions;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: Partial<HashQueueOptions> = {}) {
    this.#options = { concurrency: 2, maxWaiting: 32, ...options };
  }

  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  configure(options: Partial<HashQueueOptions>): void {
    this.#options = { ...this.#options, ...options };
  }

  /** Runs `job` in a free slot; throws 503 `unavailable` at once when too many wait. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#options.concurrency || this.#waiting.length > 0) {
      if (this.#waiting.length >= this.#options.maxWaiting) {
        throw new ApiError(503, 'unavailable', 'Too many sign-ins at once; try again soon', {
          headers: { 'retry-after': '2' },
        });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await job();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is free.
      if (next) next();
      else this.#running -= 1;
    }
  }
}

/** One per process: the cores and the thread pool it protects are the process's. */
export const hashQueue = new HashQueue();

// ---- hashing and checking ----

export async function hashPassword(
  password: string,
  params: ScryptParams = SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await hashQueue.run(() => scrypt(password, salt, params));
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = (value: number, max: number) =>
    Number.isInteger(value) && value > 0 && value <= max;
  // Bounds, so a tampered row cannot make one check take minutes or gigabytes.
  if (!valid(N, 2 ** 20) || (N & (N - 1)) !== 0 || !valid(r, 32) || !valid(p, 16)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

/** A hash of nothing anyone knows, checked for unknown accounts so timing reveals nothing. */
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(24).toString('base64url')));

/**
 * Whether `password` matches `stored`. With `stored` null (no such account, or no
 * password set yet) a dummy hash is checked, so the answer takes as long either way.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored === null ? null : parseHash(stored);
  const target = parsed ?? parseHash(await dummy());
  if (!target) return false;
  const key = await hashQueue.run(() => scrypt(password, target.salt, target, target.key.length));
  return parsed !== null && timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with other parameters than today's (hash again at sign-in). */
export function needsRehash(stored: string, params: ScryptParams = SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored);
  return (
    !parsed ||
    parsed.N !== params.N ||
    parsed.r !== params.r ||
    parsed.p !== params.p ||
    parsed.key.length !== KEY_BYTES
  );
}

/** Counts characters as people do (code points), so a Chinese password is not shortchanged. */
const characters = (text: string) => [...text].length;

/**
 * The rules for a new password, checked before any hashing: 10 to 256 characters, and
 * not the account's email address. Null when it is fine.
 */
export function passwordProblem(
  password: string,
  email: string | null,
  field = 'password',
): FieldProblem | null {
  // A cheap bound first: 256 characters are at most 512 UTF-16 units.
  if (password.length > PASSWORD_MAX_LENGTH * 2 || characters(password) > PASSWORD_MAX_LENGTH) {
    return { field, code: 'too_long', message: `At most ${PASSWORD_MAX_LENGTH} characters` };
  }
  if (characters(password) < PASSWORD_MIN_LENGTH) {
    return { field, code: 'too_short', message: `At least ${PASSWORD_MIN_LENGTH} characters` };
  }
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return { field, code: 'invalid', message: 'The password must not be the email address' };
  }
  return null;
}
