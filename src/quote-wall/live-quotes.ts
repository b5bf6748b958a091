import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import type { Locale, Quote, QuotePage } from '../api/wire.js';

/** States of the live connection, as the wall shows them. */
export const LIVE_STATUSES = ['connecting', 'live', 'reconnecting', 'offline'] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

/** Delays in milliseconds (exported so tests can shorten them). */
export const timing = {
  /** First delay of the exponential backoff; doubles per failure, with jitter. */
  retry: 1000,
  /** Longest backoff delay. */
  maxRetry: 60_000,
  /** Stream failures in a row before falling back to polling. */
  pollAfter: 3,
  /** Between two polls; every third poll tries the stream again. */
  poll: 20_000,
  /** The page hidden this long pauses the connection. */
  hidden: 30_000,
};

/** What the controller needs from its wall. */
export interface LiveQuotesHost extends ReactiveControllerHost, HTMLElement {
  readonly client: CampaignApiClient | undefined;
  readonly locale: Locale;
  /** Whether the wall has rendered once. */
  readonly hasUpdated: boolean;
  /** How many quotes the wall shows now (the feed keeps at least as many). */
  readonly need: number;
  /** `count` quotes arrived since the last call. */
  quotesArrived(count: number): void;
  liveStatus(status: LiveStatus): void;
}

export const backoff = (failures: number) =>
  Math.min(timing.maxRetry, timing.retry * 2 ** failures) * (0.5 + Math.random() / 2);

/** Open feeds by stream URL: walls for the same API, campaign and locale share one. */
const feeds = new Map<string, Feed>();

/**
 * The quotes of one campaign in one locale, kept current by one connection that every
 * wall for it shares, closed when the last wall leaves.
 *
 * Reads the newest page, then streams with EventSource from its cursor (the last
 * event id). The first failure is left to the browser, which waits the server's
 * `retry:` and resumes with `Last-Event-ID`; later ones back off exponentially with
 * jitter. After `timing.pollAfter` failures, or without EventSource, it polls the
 * newest page with the same cursor and tries the stream again every third poll.
 * Pauses while every wall is far off-screen or the page has been hidden for
 * `timing.hidden`, and resumes from the cursor. Arrivals are applied at once and
 * announced to the walls once per frame.
 */
export class Feed {
  /** Newest first, by approval time; at most what the walls show. */
  items: Quote[] = [];
  /** No older quotes exist than the last of `items`. */
  end = false;
  loaded = false;
  status: LiveStatus = 'connecting';
  cursor = -1;
  readonly subs = new Set<LiveQuotes>();
  /** `before` cursors known for quotes: a page's last quote, quotes from the stream. */
  #cursors = new Map<string, string>();
  #es?: EventSource;
  #timer?: ReturnType<typeof setTimeout>;
  #hideTimer?: ReturnType<typeof setTimeout>;
  #abort?: AbortController;
  #more?: AbortController;
  #hidden = false;
  #failures = 0;
  #polls = 0;
  #added = 0;
  #frame = 0;

  constructor(
    readonly key: string,
    readonly client: CampaignApiClient,
    readonly locale: Locale,
  ) {
    feeds.set(key, this);
    document.addEventListener('visibilitychange', this.#visibility);
    // A page kept in the back/forward cache keeps its stream open unless it is closed
    // here: six such pages hold every HTTP/1.1 connection the browser allows the API.
    addEventListener('pagehide', this.#visibility);
    addEventListener('pageshow', this.#visibility);
  }

  leave(sub: LiveQuotes): void {
    this.subs.delete(sub);
    if (this.subs.size) return this.run();
    feeds.delete(this.key);
    document.removeEventListener('visibilitychange', this.#visibility);
    removeEventListener('pagehide', this.#visibility);
    removeEventListener('pageshow', this.#visibility);
    clearTimeout(this.#hideTimer);
    cancelAnimationFrame(this.#frame);
    this.#more?.abort();
    this.#stop();
  }

  /** Connects, or pauses, as the walls and the page need. */
  run(): void {
    if (this.#hidden || ![...this.subs].some((s) => s.active)) this.#stop();
    else if (!this.#es && !this.#timer && !this.#abort) {
      this.#failures = 0;
      this.#open();
    }
  }

  /** Keeps what the most demanding wall shows (and `extra`), and forgets the rest. */
  trim(extra = 0): void {
    const keep = Math.max(...[...this.subs].map((s) => s.need)) + extra;
    for (const q of this.items.splice(keep)) {
      this.#cursors.delete(q.id);
      this.end = false;
    }
  }

  /** Reads the next older page onto the end of `items`. */
  async more(): Promise<void> {
    const items = this.items;
    if (this.#more || this.end) return;
    // From the lowest quote with a known cursor; quotes seen again are skipped.
    let i = items.length;
    while (i-- && !this.#cursors.has(items[i].id));
    const abort = (this.#more = new AbortController());
    try {
      const page = await this.client.listQuotes(
        { limit: Math.min(100, items.length - i + 11), before: this.#cursors.get(items[i]?.id) },
        { locale: this.locale, signal: abort.signal },
      );
      for (const q of page.items) if (!this.items.some((x) => x.id === q.id)) this.items.push(q);
      this.#mark(page);
      this.end = !page.nextBefore;
    } finally {
      this.#more = undefined;
      this.#changed();
    }
  }

  #visibility = (e: Event) => {
    clearTimeout(this.#hideTimer);
    // Leaving the page closes the stream at once; back from the cache, it resumes.
    if (e.type === 'pagehide') return void ((this.#hidden = true), this.run());
    this.#hideTimer = setTimeout(
      () => {
        this.#hidden = document.hidden;
        this.run();
      },
      document.hidden ? timing.hidden : 0,
    );
  };

  #stop(): void {
    this.#es?.close();
    clearTimeout(this.#timer);
    this.#abort?.abort();
    this.#es = this.#timer = this.#abort = undefined;
  }

  #later(next: () => void, failures: number): void {
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        next();
      },
      failures < 0 ? timing.poll : backoff(failures),
    );
  }

  #set(status: LiveStatus): void {
    this.status = status;
    for (const sub of this.subs) sub.report(status);
  }

  /** Subscribers re-render once per frame, however many events arrive. */
  #changed(): void {
    if (!this.subs.size) return;
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      // What just arrived may wait behind "N new quotes": keep it until the walls say.
      this.trim(this.#added);
      for (const sub of this.subs) sub.changed(this.#added);
      this.#added = 0;
    });
  }

  #mark(page: QuotePage): void {
    const last = page.items.at(-1);
    if (last && page.nextBefore) this.#cursors.set(last.id, page.nextBefore);
  }

  /** Adds or replaces a quote; `id` is its event id, a new quote's place on the wall. */
  #put(quote: Quote, id: number): void {
    const items = this.items;
    const i = items.findIndex((q) => q.id === quote.id);
    if (i >= 0) return void (items[i] = quote);
    // Older than everything kept, with more behind it: paging will reach it.
    if (quote.approvedAt < (items.at(-1)?.approvedAt ?? '') && !this.end) return;
    if (id > 0) this.#cursors.set(quote.id, String(id));
    let at = 0;
    while (at < items.length && items[at].approvedAt > quote.approvedAt) at++;
    items.splice(at, 0, quote);
    this.#added++;
  }

  /** A page of the newest quotes: the first one, or one read while polling. */
  #page(page: QuotePage): void {
    const ids = new Set(page.items.map((q) => q.id));
    const oldest = page.items.at(-1)?.approvedAt ?? '';
    // Gone from the page's range: withdrawn while we were not streaming.
    this.items = this.items.filter(
      (q) => ids.has(q.id) || (page.nextBefore && q.approvedAt < oldest),
    );
    for (let i = page.items.length; i--;) this.#put(page.items[i], NaN);
    this.#mark(page);
    this.end ||= !page.nextBefore;
    this.cursor = page.lastEventId;
    if (!this.loaded) this.#added = 0;
    this.loaded = true;
    this.#changed();
  }

  #open(): void {
    if (this.cursor < 0 || this.#failures >= timing.pollAfter || !window.EventSource) {
      return void this.#poll();
    }
    const es = (this.#es = new EventSource(this.client.quoteStreamUrl(this.cursor, this.locale)));
    es.onopen = () => {
      this.#failures = 0;
      this.#set('live');
    };
    es.onerror = () => {
      this.#set('reconnecting');
      if (!this.#failures++ && es.readyState === es.CONNECTING) return;
      es.close();
      this.#es = undefined;
      this.#later(() => this.#open(), this.#failures);
    };
    const onEvent = (event: MessageEvent<string>) => {
      const id = Number(event.lastEventId);
      if (id <= this.cursor) return;
      try {
        const data = JSON.parse(event.data) as Quote;
        if (event.type === 'quote') this.#put(data, id);
        else {
          this.items = this.items.filter((q) => q.id !== data.id);
          this.#cursors.delete(data.id);
        }
        this.cursor = id || this.cursor;
        this.#changed();
      } catch {
        // Not JSON: ignored; the next event or poll brings the wall up to date.
      }
    };
    es.addEventListener('quote', onEvent);
    es.addEventListener('remove', onEvent);
  }

  async #poll(): Promise<void> {
    const abort = (this.#abort = new AbortController());
    const first = this.cursor < 0;
    try {
      const page = await this.client.listQuotes(
        { limit: first ? Math.min(100, Math.max(...[...this.subs].map((s) => s.need))) : 100 },
        { locale: this.locale, signal: abort.signal },
      );
      this.#abort = undefined;
      if (page.lastEventId > this.cursor || first) this.#page(page);
      if (first || !(++this.#polls % 3)) {
        // Stream from the page's cursor; one failure after polling polls again.
        if (!first) this.#failures = timing.pollAfter - 1;
        this.#open();
      } else {
        this.#set('live');
        this.#later(() => void this.#poll(), -1);
      }
    } catch {
      if (abort.signal.aborted) return;
      this.#abort = undefined;
      this.#set('offline');
      this.#later(() => void this.#poll(), ++this.#failures);
    }
  }
}

/**
 * The wall's live connection as a reactive controller: joins the shared feed for its
 * API, campaign and locale in `hostConnected` and leaves it in `hostDisconnected`
 * (the last wall to leave closes it). Pauses its share while the wall is far
 * off-screen.
 */
export class LiveQuotes implements ReactiveController {
  status: LiveStatus = 'connecting';
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

  constructor(host: LiveQuotesHost) {
    (this.#host = host).addController(this);
  }

  get need(): number {
    return this.#host.need;
  }

  hostConnected(): void {
    const host = this.#host;
    const client = host.client;
    const key = (this.#key = client?.quoteStreamUrl(undefined, host.locale));
    if (!client || !key) return this.report('offline');
    const feed = (this.feed = feeds.get(key) ?? new Feed(key, client, host.locale));
    feed.subs.add(this);
    this.report(feed.status);
    if (host.hasUpdated) this.#observe();
    // A wall moved in the page renders again and restarts its timer.
    host.requestUpdate();
  }

  /**
   * Watches the wall's distance from the viewport once it has a box of its own: WebKit
   * reports a host whose shadow root shows nothing yet as intersecting, wherever it is.
   */
  #observe(): void {
    const feed = this.feed!;
    this.#observer = new IntersectionObserver(
      (entries) => {
        this.active = entries.at(-1)!.isIntersecting;
        feed.run();
      },
      { rootMargin: '200%' },
    );
    this.#observer.observe(this.#host);
  }

  hostUpdated(): void {
    if (this.feed && !this.#observer) this.#observe();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.feed?.leave(this);
    this.feed = this.#observer = undefined;
  }

  hostUpdate(): void {
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

  /** @internal From the feed. */
  changed(added: number): void {
    this.#host.quotesArrived(added);
  }

  /** @internal From the feed. */
  report(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.#host.liveStatus(status);
  }
}

/** How many feeds are open (for tests and diagnostics). */
export const openFeeds = (): number => feeds.size;
