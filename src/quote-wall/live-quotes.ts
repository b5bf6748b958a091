import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import type { Locale, QuotePage } from '../api/wire.js';
import type { LiveStatus } from './connection.js';
import { feedFor, type Feed } from './feed.js';

// Moved with the split; imported from here by other modules and tests.
export { LIVE_STATUSES, backoff, timing, type LiveStatus } from './connection.js';
export { Feed, openFeeds } from './feed.js';

/** What the controller needs from its wall. */
export interface LiveQuotesHost extends ReactiveControllerHost, HTMLElement {
  readonly client: CampaignApiClient | undefined;
  readonly locale: Locale;
  /** Whether the wall has rendered once. */
  readonly hasUpdated: boolean;
  /** How many quotes the wall shows now (the feed keeps at least as many). */
  readonly need: number;
  /** The page to start from, given before the first render. */
  readonly snapshot?: QuotePage;
}

/**
 * The wall's live quotes as a reactive controller: joins the shared feed for its API,
 * campaign and locale in `hostConnected` and leaves it in `hostDisconnected` (the last
 * wall to leave closes it). Tells the feed, after each render, how many quotes the wall
 * shows and whether it is near the viewport, and asks the wall to render when the feed
 * changes; the wall reads `status`, `feed` and `arrived()` as it renders.
 */
export class LiveQuotes implements ReactiveController {
  feed?: Feed;
  /**
   * The feed this wall left for another language of the same campaign, until the new
   * one has its first page: the wall keeps showing it meanwhile (no fallback, no jump).
   */
  previous?: Feed;
  /** Near the viewport (the first intersection report decides). */
  active = false;
  #host: LiveQuotesHost;
  #key?: string;
  #observer?: IntersectionObserver;
  /** Quotes arrived since the wall last asked. */
  #arrived = 0;

  constructor(host: LiveQuotesHost) {
    (this.#host = host).addController(this);
  }

  /** The live connection's state: its feed's (offline without an API). */
  get status(): LiveStatus {
    return this.feed?.status ?? 'offline';
  }

  /** How many quotes arrived since the last call. */
  arrived(): number {
    const n = this.#arrived;
    this.#arrived = 0;
    return n;
  }

  #changed = (added: number): void => {
    this.#arrived += added;
    this.#host.requestUpdate();
  };

  #want(): void {
    this.feed?.want(this.#changed, this.#host.need, this.active);
  }

  hostConnected(): void {
    const host = this.#host;
    const client = host.client;
    const key = (this.#key = client?.quoteStreamUrl(undefined, host.locale));
    if (client && key) {
      // Inactive until the observer says otherwise.
      this.active = false;
      this.feed = feedFor(key, client, host.locale);
      this.#seed();
      this.#want();
      if (host.hasUpdated) this.#observe();
    }
    // A wall moved in the page renders again and restarts its timer.
    host.requestUpdate();
  }

  /**
   * Watches the wall's distance from the viewport once it has a box of its own: WebKit
   * reports a host whose shadow root shows nothing yet as intersecting, wherever it is.
   */
  #observe(): void {
    this.#observer = new IntersectionObserver(
      (entries) => {
        this.active = entries.at(-1)!.isIntersecting;
        this.#want();
      },
      { rootMargin: '200%' },
    );
    this.#observer.observe(this.#host);
  }

  /** The wall shows what it needs now: the feed keeps as many quotes and forgets the rest. */
  hostUpdated(): void {
    if (this.feed) {
      if (!this.#observer) this.#observe();
      this.#want();
      this.feed.trim();
    }
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.feed?.want(this.#changed);
    this.feed = this.#observer = undefined;
  }

  /**
   * A snapshot given before the first render is the feed's first page (unless it has
   * one): the stream resumes after its last event id, and nothing is read first.
   */
  #seed(): void {
    const page = this.#host.snapshot;
    if (!this.#host.hasUpdated && Array.isArray(page?.items)) this.feed?.seed(page);
  }

  hostUpdate(): void {
    // Given after the wall was put in the page.
    this.#seed();
    // Another API, campaign or locale: another feed.
    const host = this.#host;
    const client = host.client;
    if (host.isConnected && client?.quoteStreamUrl(undefined, host.locale) !== this.#key) {
      const left = this.feed?.loaded ? this.feed : this.previous;
      this.hostDisconnected();
      this.hostConnected();
      this.previous =
        left && client?.quoteStreamUrl() === left.client.quoteStreamUrl() ? left : undefined;
    }
    if (this.feed?.loaded) this.previous = undefined;
  }
}
