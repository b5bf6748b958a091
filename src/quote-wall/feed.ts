import type { CampaignApiClient } from '../api/client.js';
import type { Locale, Quote, QuotePage } from '../api/wire.js';
import { Connection, type ConnectionEvent, type LiveStatus, type Transport } from './connection.js';

/**
 * Hears of every change of its feed: `added` quotes arrived (once per frame, however
 * many events), or 0 for any other change, the status's included.
 */
export type FeedListener = (added: number) => void;

/** Open feeds by stream URL: walls for the same API, campaign and locale share one. */
const feeds = new Map<string, Feed>();

/** How many feeds are open (for tests and diagnostics). */
export const openFeeds = (): number => feeds.size;

/** The open feed for this stream URL, or a new one. */
export const feedFor = (key: string, client: CampaignApiClient, locale: Locale): Feed =>
  feeds.get(key) ?? new Feed(key, client, locale);

/**
 * The quotes of one campaign in one locale, kept current by one connection that every
 * subscriber shares, closed when the last one leaves.
 *
 * Fed only by its connection's events: merges pages and events, newest first by
 * approval time, one entry per quote id; ignores events at or before its last event id
 * (`cursor`), which it hands back to the connection as the place to resume; drops
 * withdrawn quotes. Subscribers say what they show with `want()`; the feed keeps that
 * many quotes, connects while one of them is near the viewport, and tells them of
 * changes once per frame.
 */
export class Feed {
  /** Newest first, by approval time; at most what the subscribers show. */
  items: Quote[] = [];
  /** No older quotes exist than the last of `items`. */
  end = false;
  loaded = false;
  status: LiveStatus = 'connecting';
  /** The last event id applied. */
  cursor = -1;
  /** What each subscriber shows: how many quotes, and whether it is near the viewport. */
  #subs = new Map<FeedListener, [need: number, active?: boolean]>();
  /** `before` cursors known for quotes: a page's last quote, quotes from the stream. */
  #cursors = new Map<string, string>();
  #connection: Transport;
  #more?: AbortController;
  /** What the most demanding subscriber shows. */
  #most = 0;
  #added = 0;
  #frame = 0;

  constructor(
    readonly key: string,
    readonly client: CampaignApiClient,
    readonly locale: Locale,
    connect: (emit: (...event: ConnectionEvent) => void) => Transport = (emit) =>
      new Connection(client, locale, emit),
  ) {
    feeds.set(key, this);
    this.#connection = connect(this.#take);
  }

  /**
   * Subscribes `listener` (again: updates it): it shows `need` quotes and is `active`
   * (near the viewport). The connection runs while any subscriber is active. Without
   * `need`, unsubscribes it; the last to leave closes the feed and its connection.
   */
  want(listener: FeedListener, need?: number, active?: boolean): void {
    const subs = this.#subs;
    if (need === undefined) subs.delete(listener);
    else subs.set(listener, [need, active]);
    if (subs.size) {
      const wants = [...subs.values()];
      this.#connection.size = this.#most = Math.max(...wants.map((s) => s[0]));
      return this.#connection.run(wants.some((s) => s[1]));
    }
    feeds.delete(this.key);
    cancelAnimationFrame(this.#frame);
    this.#more?.abort();
    this.#connection.close();
  }

  /**
   * Starts from `page` (a snapshot) as from a first page read, if none came yet. Another
   * wall's snapshot of the same moment (the same last event id) with more quotes adds
   * the older ones, so each wall starts with all it was rendered with.
   */
  seed(page: QuotePage): void {
    if (!this.loaded) return this.#page(page);
    if (page.lastEventId !== this.cursor || page.items.length <= this.items.length) return;
    for (const q of page.items) if (!this.items.some((x) => x.id === q.id)) this.items.push(q);
    this.#mark(page);
    this.end = !page.nextBefore;
  }

  /** Keeps what the most demanding subscriber shows (and `extra`), and forgets the rest. */
  trim(extra = 0): void {
    for (const q of this.items.splice(this.#most + extra)) {
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

  /** From the connection. */
  #take = (...[type, data, id]: ConnectionEvent): void => {
    if (type === 'status') {
      if (data === this.status) return;
      this.status = data;
      for (const listener of this.#subs.keys()) listener(0);
      return;
    }
    if (type === 'page') return this.#page(data);
    const quote = data;
    if (id <= this.cursor) return;
    if (type === 'quote') this.#put(quote, id);
    else {
      this.items = this.items.filter((q) => q.id !== quote.id);
      this.#cursors.delete(quote.id);
    }
    this.#at(id || this.cursor);
    this.#changed();
  };

  #at(cursor: number): void {
    this.cursor = this.#connection.from = cursor;
  }

  /** Subscribers re-render once per frame, however many events arrive. */
  #changed(): void {
    if (!this.#subs.size) return;
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      // What just arrived may wait behind "N new quotes": keep it until the walls say.
      this.trim(this.#added);
      for (const listener of this.#subs.keys()) listener(this.#added);
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
    // A poll that brings nothing newer than the stream or the last poll did.
    if (this.cursor >= 0 && page.lastEventId <= this.cursor) return;
    const ids = new Set(page.items.map((q) => q.id));
    const oldest = page.items.at(-1)?.approvedAt ?? '';
    // Gone from the page's range: withdrawn while we were not streaming.
    this.items = this.items.filter(
      (q) => ids.has(q.id) || (page.nextBefore && q.approvedAt < oldest),
    );
    for (let i = page.items.length; i--;) this.#put(page.items[i], NaN);
    this.#mark(page);
    this.end ||= !page.nextBefore;
    this.#at(page.lastEventId);
    if (!this.loaded) this.#added = 0;
    this.loaded = true;
    this.#changed();
  }
}
