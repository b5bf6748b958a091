/**
 * A small admission queue for image work. Decoding and resizing a photo costs CPU
 * and memory far out of proportion to its upload size (a 116 KB PNG can hold 40 MP),
 * so only a few run at once, a bounded number wait, and the rest are refused at once
 * with `503 unavailable` and `Retry-After` — before any pixel is decoded.
 */
import { ApiError } from './errors.js';

export interface ImageQueueOptions {
  /** Jobs that decode at the same time (default 2: about one core each). */
  concurrency: number;
  /** Jobs that may wait for a slot; one more is refused (default 16). */
  maxQueued: number;
  /** How long a job may wait for a slot before it is refused (default 10 s). */
  maxWaitMs: number;
}

export const DEFAULT_IMAGE_QUEUE: Readonly<ImageQueueOptions> = {
  concurrency: 2,
  maxQueued: 16,
  maxWaitMs: 10_000,
};

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export class ImageQueue {
  #options: ImageQueueOptions;
  #running = 0;
  readonly #waiting: Waiter[] = [];

  constructor(options: Partial<ImageQueueOptions> = {}) {
    this.#options = checkedOptions({ ...DEFAULT_IMAGE_QUEUE, ...options });
  }

  get options(): Readonly<ImageQueueOptions> {
    return this.#options;
  }

  /** Jobs decoding now and jobs waiting, for health reports and tests. */
  get load(): { running: number; queued: number } {
    return { running: this.#running, queued: this.#waiting.length };
  }

  /** Changes the limits; jobs already admitted keep their place. */
  configure(options: Partial<ImageQueueOptions>): void {
    this.#options = checkedOptions({ ...this.#options, ...options });
    this.#startWaiting();
  }

  /**
   * Runs `job` when a slot is free. Throws `ApiError` 503 at once when the queue is
   * full, or after `maxWaitMs` without a slot; the job is then never started.
   */
  async run<T>(job: () => Promise<T>): Promise<T> {
    await this.#admit();
    try {
      return await job();
    } finally {
      this.#running -= 1;
      this.#startWaiting();
    }
  }

  #admit(): Promise<void> {
    if (this.#running < this.#options.concurrency && this.#waiting.length === 0) {
      this.#running += 1;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.#options.maxQueued) return Promise.reject(this.#busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          this.#running += 1;
          resolve();
        },
        timer: setTimeout(() => {
          const index = this.#waiting.indexOf(waiter);
          if (index !== -1) this.#waiting.splice(index, 1);
          reject(this.#busy());
        }, this.#options.maxWaitMs),
      };
      this.#waiting.push(waiter);
    });
  }

  #startWaiting(): void {
    while (this.#running < this.#options.concurrency && this.#waiting.length) {
      this.#waiting.shift()!.start();
    }
  }

  /** Retry-After: about as long as a queued job may wait, at least a second. */
  #busy(): ApiError {
    const seconds = Math.max(1, Math.ceil(this.#options.maxWaitMs / 1000));
    return new ApiError(503, 'unavailable', 'Too many photos are being processed; try again', {
      headers: { 'retry-after': String(seconds) },
    });
  }
}

function checkedOptions(options: ImageQueueOptions): ImageQueueOptions {
  const { concurrency, maxQueued, maxWaitMs } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('image queue concurrency must be an integer of at least 1');
  }
  if (!Number.isInteger(maxQueued) || maxQueued < 0) {
    throw new RangeError('image queue length must be an integer of at least 0');
  }
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    throw new RangeError('image queue wait must be a number of milliseconds');
  }
  return { concurrency, maxQueued, maxWaitMs };
}

/**
 * The process-wide queue `processPhoto` uses unless given another. Image work
 * competes for the same cores whatever app instance asks for it, so one queue per
 * process is the natural default; `configure()` it from the app's options.
 */
export const imageQueue = new ImageQueue();
