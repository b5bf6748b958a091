import type { CampaignApiClient } from '../api/client.js';
import type { Campaign, Locale, Quote, QuotePage } from '../api/wire.js';

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

export const backoff = (failures: number) =>
  Math.min(timing.maxRetry, timing.retry * 2 ** failures) * (0.5 + Math.random() / 2);

/**
 * What a connection tells its feed, in the order it learns it: its status; the newest
 * page (the first one, or one read while polling); a quote added or changed (`quote`)
 * or withdrawn (`remove`), with its event id.
 */
export type ConnectionEvent =
  | [type: 'status', status: LiveStatus]
  | [type: 'page', page: QuotePage]
  | [type: 'quote' | 'remove', quote: Quote, id: number];

/** What a connection to the campaign's own stream tells: its status, the campaign now. */
export type CampaignStreamEvent =
  [type: 'status', status: LiveStatus] | [type: 'campaign', campaign: Campaign];

/** The part of a connection its feed drives (tests give a feed a scripted one). */
export interface Transport {
  /** The last event id the feed holds: where a stream or poll resumes (-1: none yet). */
  from: number;
  /** How many quotes the first page brings. */
  size: number;
  /** Connects while `wanted` (and the page is visible), pauses otherwise. */
  run(wanted: boolean): void;
  /** Closes for good. */
  close(): void;
}

/**
 * The live transport of one campaign's quotes in one locale: reports what it receives
 * to the one function it was given, and knows nothing of what is done with it.
 *
 * Reads the newest page, then streams with EventSource from `from` (the last event id).
 * The first failure is left to the browser, which waits the server's `retry:` and
 * resumes with `Last-Event-ID`; later ones back off exponentially with jitter. After
 * `timing.pollAfter` failures, or without EventSource, it polls the newest page and
 * tries the stream again every third poll. Pauses while not wanted or once the page
 * has been hidden for `timing.hidden`, closes at once when the page is left (perhaps
 * into the back/forward cache), and resumes from `from`.
 *
 * Given a `stream` URL instead (the campaign's own stream, which has no page to poll),
 * it only streams that URL's `campaign` events, with the same backoff, pauses and
 * back/forward-cache handling, and does not open while the page is hidden.
 */
export class Connection implements Transport {
  from = -1;
  size = 0;
  #es?: EventSource;
  #timer?: ReturnType<typeof setTimeout>;
  #hideTimer?: ReturnType<typeof setTimeout>;
  #abort?: AbortController;
  #wanted?: boolean;
  #hidden?: boolean;
  #failures = 0;
  #polls = 0;
  #client: CampaignApiClient;
  #locale: Locale;
  #emit: (...event: ConnectionEvent) => void;
  #stream?: string;

  constructor(client: CampaignApiClient, locale: Locale, emit: (...event: ConnectionEvent) => void);
  constructor(
    client: CampaignApiClient,
    locale: Locale,
    emit: (...event: CampaignStreamEvent) => void,
    stream: string,
  );
  constructor(
    client: CampaignApiClient,
    locale: Locale,
    emit: ((...event: ConnectionEvent) => void) | ((...event: CampaignStreamEvent) => void),
    stream?: string,
  ) {
    this.#client = client;
    this.#locale = locale;
    this.#emit = emit as (...event: ConnectionEvent) => void;
    if ((this.#stream = stream)) this.#hidden = document.hidden;
    document.addEventListener('visibilitychange', this.#visibility);
    // A page kept in the back/forward cache keeps its stream open unless it is closed
    // here: six such pages hold every HTTP/1.1 connection the browser allows the API.
    addEventListener('pagehide', this.#visibility);
    addEventListener('pageshow', this.#visibility);
  }

  run(wanted?: boolean): void {
    this.#wanted = wanted;
    if (this.#hidden || !wanted) this.#stop();
    else if (!this.#es && !this.#timer && !this.#abort) {
      this.#failures = 0;
      this.#open();
    }
  }

  close(): void {
    document.removeEventListener('visibilitychange', this.#visibility);
    removeEventListener('pagehide', this.#visibility);
    removeEventListener('pageshow', this.#visibility);
    clearTimeout(this.#hideTimer);
    this.#stop();
  }

  #visibility = (e: Event) => {
    clearTimeout(this.#hideTimer);
    // Leaving the page closes the stream at once; back from the cache, it resumes.
    if (e.type === 'pagehide') return void ((this.#hidden = true), this.run(this.#wanted));
    this.#hideTimer = setTimeout(
      () => {
        this.#hidden = document.hidden;
        this.run(this.#wanted);
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

  #open(): void {
    const stream = this.#stream;
    if (!window.EventSource || (!stream && (this.from < 0 || this.#failures >= timing.pollAfter))) {
      return void (stream || this.#poll());
    }
    const es = (this.#es = new EventSource(
      stream || this.#client.quoteStreamUrl(this.from, this.#locale),
    ));
    es.onopen = () => {
      this.#failures = 0;
      this.#emit('status', 'live');
    };
    es.onerror = () => {
      this.#emit('status', 'reconnecting');
      if (!this.#failures++ && es.readyState === es.CONNECTING) return;
      es.close();
      this.#es = undefined;
      this.#later(() => this.#open(), this.#failures);
    };
    const onEvent = (event: MessageEvent<string>) => {
      try {
        this.#emit(
          event.type as 'quote',
          JSON.parse(event.data) as Quote,
          Number(event.lastEventId),
        );
      } catch {
        // Not JSON: ignored; the next event or poll brings the wall up to date.
      }
    };
    for (const type of stream ? ['campaign'] : ['quote', 'remove']) {
      es.addEventListener(type, onEvent);
    }
  }

  async #poll(): Promise<void> {
    const abort = (this.#abort = new AbortController());
    const first = this.from < 0;
    try {
      const page = await this.#client.listQuotes(
        { limit: first ? Math.min(100, this.size) : 100 },
        { locale: this.#locale, signal: abort.signal },
      );
      this.#abort = undefined;
      this.#emit('page', page);
      if (first || !(++this.#polls % 3)) {
        // Stream from the page's cursor; one failure after polling polls again.
        if (!first) this.#failures = timing.pollAfter - 1;
        this.#open();
      } else {
        this.#emit('status', 'live');
        this.#later(() => void this.#poll(), -1);
      }
    } catch {
      if (abort.signal.aborted) return;
      this.#abort = undefined;
      this.#emit('status', 'offline');
      this.#later(() => void this.#poll(), ++this.#failures);
    }
  }
}
