/**
 * Outbound webhooks: events into the outbox, and the worker that delivers it.
 *
 * Enqueueing. The store writes an event's outbox rows with the change itself
 * (`store/webhooks.ts`): PostgreSQL in the change's own transaction, SQLite
 * synchronously right after its commit, before any other JavaScript runs. Every
 * committed change then reaches this process as a staff event (`Store.subscribeStaff`:
 * SQLite at once; PostgreSQL through the database, on every instance), which wakes the
 * worker and, should the store's write have failed in this process, writes the rows
 * then (`takeOutboxMiss`): (endpoint, event key) is unique, so an event is enqueued
 * once however often it is written. What is left (docs/webhooks.md): on SQLite, a process killed in the
 * instant between a commit and the next statement loses that event's webhooks; the
 * change itself is kept.
 *
 * Delivering. The worker claims due rows with a lease (PostgreSQL: `FOR UPDATE SKIP
 * LOCKED`, so instances never take one row at once), at most `concurrency` at a time,
 * POSTs each one signed, and writes the outcome: a 2xx is delivered; anything else is
 * tried again after `retryDelayMs(attempts)` until `maxAttempts`, then `failed`. Rows
 * are in the database: after a restart, the due ones go out at once.
 */
import { randomUUID } from 'node:crypto';
import { WEBHOOK_TEST_EVENT } from '../../../src/api/webhooks.js';
import { signBody, SIGNATURE_HEADER } from '../safety/external-check.js';
import type { StaffEvent } from '../store/newsroom.js';
import type { Store } from '../store/store.js';
import { takeOutboxMiss, type ClaimedDelivery, type EndpointRecord } from '../store/webhooks.js';
import {
  deletedKey,
  plannedDelivery,
  wantsEvent,
  webhookBody,
  webhookEventId,
  webhookEventOf,
} from './events.js';
import { postWebhook } from './post.js';

export const WEBHOOK_ID_HEADER = 'Campaign-Webhook-Id';
export const WEBHOOK_EVENT_HEADER = 'Campaign-Webhook-Event';
export const WEBHOOK_ATTEMPT_HEADER = 'Campaign-Webhook-Attempt';

export const WEBHOOK_TIMEOUT_DEFAULT = 10_000;
export const WEBHOOK_MAX_ATTEMPTS_DEFAULT = 12;
export const WEBHOOK_CONCURRENCY_DEFAULT = 4;
/** Delivered and failed rows are kept this long for the console. */
export const WEBHOOK_KEEP_MS = 30 * 86_400_000;

const RETRY_BASE_MS = 60_000;
const RETRY_CAP_MS = 6 * 3_600_000;

/**
 * The wait before attempt `attempts + 1`: one minute, doubling, at most six hours, each
 * ±20 % at random (so receivers that came back are not hit by every sender at once).
 * Twelve attempts span about 23 hours.
 */
export function defaultRetryDelay(attempts: number): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_CAP_MS);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export interface WebhookOptions {
  /** Per attempt, everything included (default 10 s). */
  timeoutMs?: number;
  /** Attempts before a delivery is `failed` (default 12). */
  maxAttempts?: number;
  /** Wait after the `attempts`-th failed attempt (default `defaultRetryDelay`). */
  retryDelayMs?: (attempts: number) => number;
  /** Attempts under way at once in this process (default 4). */
  concurrency?: number;
  /** How often due rows are looked for (default 1 s); new events and resends wake it too. */
  pollMs?: number;
  /** How long a claim holds a row (default the timeout plus 30 s). */
  leaseMs?: number;
  /** False: enqueue only, deliver nothing (a separate worker process, or a test). */
  deliver?: boolean;
  /**
   * Which heard events this process writes to the outbox itself: `missed` (default),
   * those whose rows the store could not write with the change; `all`, every one again
   * (the rows are unique, so it costs queries, not duplicates); false, none (a test
   * shows that the store's rows suffice).
   */
  enqueueHeard?: 'missed' | 'all' | false;
  /**
   * Lets endpoints be plain http to this machine (a developer's or a test's receiver);
   * default false: https to public addresses only (`CAMPAIGN_WEBHOOK_LOOPBACK=1`).
   */
  allowLoopback?: boolean;
}

export class WebhookService {
  readonly #store: Store;
  readonly #owner = randomUUID();
  readonly timeoutMs: number;
  readonly allowLoopback: boolean;
  readonly maxAttempts: number;
  readonly concurrency: number;
  readonly #retryDelay: (attempts: number) => number;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #deliver: boolean;
  readonly #enqueueHeard: 'missed' | 'all' | false;
  readonly #inFlight = new Map<number, Promise<void>>();
  #unsubscribe: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #enqueueChain: Promise<void> = Promise.resolve();
  #ticking = false;
  #tickRun: Promise<void> = Promise.resolve();
  #again = false;
  #closed = false;
  #lastPrune = 0;
  /** Most attempts under way at once so far (the tests read it). */
  peakInFlight = 0;

  constructor(store: Store, options: WebhookOptions = {}) {
    this.#store = store;
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_DEFAULT;
    this.allowLoopback = options.allowLoopback ?? false;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS_DEFAULT);
    this.concurrency = Math.max(1, options.concurrency ?? WEBHOOK_CONCURRENCY_DEFAULT);
    this.#retryDelay = options.retryDelayMs ?? defaultRetryDelay;
    this.#pollMs = options.pollMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? this.timeoutMs + 30_000;
    this.#deliver = options.deliver !== false;
    this.#enqueueHeard = options.enqueueHeard ?? 'missed';
  }

  start(): void {
    this.#unsubscribe = this.#store.subscribeStaff((event) => {
      this.#enqueueChain = this.#enqueueChain.then(() => this.#enqueueFor(event));
    });
    if (!this.#deliver) return;
    this.#timer = setInterval(() => this.kick(), this.#pollMs);
    this.#timer.unref();
    // Rows left due by an earlier run go out now.
    this.kick();
  }

  /** Stops claiming, and waits for the attempts under way (each bounded by the timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    if (this.#timer) clearInterval(this.#timer);
    await this.#enqueueChain;
    // A claim under way when the service closed hands its rows back (see #tick).
    await this.#tickRun;
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  /** Resolves once the events heard so far are in the outbox. */
  settled(): Promise<void> {
    return this.#enqueueChain;
  }

  /** Looks for due rows now. */
  kick(): void {
    if (this.#closed || !this.#deliver) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#tickRun = this.#tick();
  }

  /** Enqueues a `webhook.test` event for one endpoint. */
  async sendTest(endpoint: EndpointRecord, now = Date.now()): Promise<string> {
    const key = `test:${randomUUID()}`;
    const eventId = webhookEventId(endpoint.campaignId, key);
    await this.#store.enqueueWebhook([endpoint.id], {
      eventId,
      eventKey: key,
      campaignId: endpoint.campaignId,
      submissionId: null,
      eventType: WEBHOOK_TEST_EVENT,
      payload: webhookBody(eventId, WEBHOOK_TEST_EVENT, now, endpoint.campaignId, {
        message: 'A test event from the newsroom console.',
      }),
      now,
    });
    this.kick();
    return eventId;
  }

  async #enqueueFor(event: StaffEvent): Promise<void> {
    if (this.#closed) return;
    const of = webhookEventOf(event);
    if (!of) return;
    // The store wrote the rows with the change already; wake the worker for them.
    this.kick();
    const missed = takeOutboxMiss(event.campaignId, of.key);
    if (this.#enqueueHeard === false || (this.#enqueueHeard === 'missed' && !missed)) return;
    try {
      const targets = (await this.#store.listWebhookTargets(event.campaignId)).filter((endpoint) =>
        wantsEvent(endpoint, of.type),
      );
      if (targets.length > 0) {
        const record = of.deleted
          ? null
          : await this.#store.getSubmission(event.campaignId, of.submissionId);
        const delivery = plannedDelivery(event, of, record, Date.now());
        for (const endpoint of targets) {
          try {
            if ((await this.#store.enqueueWebhook([endpoint.id], delivery)) > 0) this.kick();
          } catch (error) {
            // The endpoint was deleted in the meantime (its foreign key is gone).
            console.error('webhook enqueue failed', endpoint.id, error);
          }
        }
      }
      // A submission deleted for good: what its earlier events said goes too.
      if (of.deleted) {
        await this.#store.forgetWebhookSubmission(
          event.campaignId,
          of.submissionId,
          deletedKey(of.submissionId),
        );
      }
    } catch (error) {
      console.error('webhook enqueue failed', error);
    }
  }

  async #tick(): Promise<void> {
    this.#ticking = true;
    try {
      await this.#prune();
      while (!this.#closed) {
        const free = this.concurrency - this.#inFlight.size;
        if (free <= 0) break;
        const claimed = await this.#store.claimWebhookDeliveries(
          this.#owner,
          Date.now(),
          this.#leaseMs,
          free,
        );
        if (claimed.length === 0) break;
        if (this.#closed) {
          // Closed while claiming: the rows go back at once rather than when the lease
          // runs out, so that the next instance to start delivers them without waiting.
          await Promise.allSettled(claimed.map((delivery) => this.#release(delivery)));
          break;
        }
        for (const delivery of claimed) this.#start(delivery);
      }
    } catch (error) {
      if (!this.#closed) console.error('webhook claim failed', error);
    } finally {
      this.#ticking = false;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    }
  }

  #release(delivery: ClaimedDelivery) {
    return this.#store.finishWebhookDelivery(delivery.id, this.#owner, {
      status: 'pending',
      attempts: delivery.attempts,
      nextAttemptAt: delivery.nextAttemptAt,
      lastStatus: delivery.lastStatus,
      lastError: delivery.lastError,
      deliveredAt: null,
    });
  }

  #start(delivery: ClaimedDelivery): void {
    const work = this.#attempt(delivery).finally(() => {
      this.#inFlight.delete(delivery.id);
      this.kick();
    });
    this.#inFlight.set(delivery.id, work);
    this.peakInFlight = Math.max(this.peakInFlight, this.#inFlight.size);
  }

  async #attempt(delivery: ClaimedDelivery): Promise<void> {
    const attempts = delivery.attempts + 1;
    const result = await postWebhook(
      delivery.url,
      delivery.payload,
      {
        [WEBHOOK_ID_HEADER]: delivery.eventId,
        [WEBHOOK_EVENT_HEADER]: delivery.eventType,
        [WEBHOOK_ATTEMPT_HEADER]: String(attempts),
        [SIGNATURE_HEADER]: signBody(delivery.secret, delivery.payload, Date.now()),
      },
      this.timeoutMs,
      this.allowLoopback,
    );
    const now = Date.now();
    const giveUp = !result.ok && attempts >= this.maxAttempts;
    try {
      await this.#store.finishWebhookDelivery(delivery.id, this.#owner, {
        status: result.ok ? 'delivered' : giveUp ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: result.ok || giveUp ? now : now + Math.max(0, this.#retryDelay(attempts)),
        lastStatus: result.status,
        lastError: result.ok ? null : result.error,
        deliveredAt: result.ok ? now : null,
      });
    } catch (error) {
      // The lease runs out and the row is tried again: at least once, never lost.
      if (!this.#closed) console.error('webhook outcome not written', delivery.id, error);
    }
  }

  async #prune(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < 3_600_000) return;
    this.#lastPrune = now;
    await this.#store.pruneWebhookDeliveries(now - WEBHOOK_KEEP_MS);
  }
}
