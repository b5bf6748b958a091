/**
 * Live fan-out: pushes the store's committed events to Server-Sent Event clients.
 *
 * A client that resumes (`Last-Event-ID`) is registered first — live events that
 * arrive meanwhile wait in its queue — then the store replays everything after its
 * id, page by page, then the queue drains, skipping what the replay already sent.
 * So nothing is missed and nothing is sent twice, however replay and live events
 * interleave. Each event is serialised once per locale, whatever the client count.
 *
 * A campaign's own changes (closed, reopened, new consent) reach every stream of the
 * campaign as a `campaign` event, the wall's (`quotes`) and the form's (`campaign`,
 * which hears nothing else).
 */
import type { ServerResponse } from 'node:http';
import type { Locale } from '../../src/api/wire.js';
import { clientKey } from './client-address.js';
import { ApiError } from './errors.js';
import type { LiveEvent, Store } from './store/store.js';

export interface LiveHubOptions {
  /** Milliseconds between heartbeat comments (15 000). */
  heartbeatMs?: number;
  /** Reconnection delay suggested to clients, in milliseconds (3 000). */
  retryMs?: number;
  /** Most clients at once; more are refused (10 000). */
  maxClients?: number;
  /**
   * Most clients at once from one address (an IPv4 address or an IPv6 /64); more are
   * refused (500). A school, an office or a mobile carrier's shared address holds many
   * readers: 500 leaves room for a whole school watching one wall, while one client
   * alone can take no more than a twentieth of the default `maxClients`.
   */
  maxClientsPerAddress?: number;
  /** A client whose unsent output grows past this many bytes is dropped; it resumes later. */
  maxBufferedBytes?: number;
}

/** One event's frame in one locale, and the same as an HTTP/1.1 chunk once needed. */
interface Wire {
  frame: string;
  chunk?: Buffer;
}

/** `chunkedEncoding` is set by node:http on a response it frames in chunks. */
type ChunkedResponse = ServerResponse & { chunkedEncoding?: boolean };

/** `text` as one chunk of a `Transfer-Encoding: chunked` body. */
function chunk(text: string): Buffer {
  const body = Buffer.from(text);
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, CRLF]);
}
const CRLF = Buffer.from('\r\n');

/** Turns an event into the JSON `data:` of its frame, in one locale. */
export type EventRenderer = (event: LiveEvent, locale: Locale) => string;

interface Client {
  /** The address key it is counted under (see `clientKey`). */
  key: string;
  campaignId: string;
  locale: Locale;
  res: ServerResponse;
  /** `campaign` streams hear the campaign's changes only, never a quote. */
  topic: LiveTopic;
  /** The page's `Origin` as the stream request sent it (`''` for none). */
  origin: string;
  lastSent: number;
  /** Live events held back while the replay runs; null once live. */
  queue: LiveEvent[] | null;
}

export function formatFrame(event: LiveEvent, data: string): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`;
}

/** What a stream hears: the wall's events (and its campaign's), or its campaign's only. */
export type LiveTopic = 'quotes' | 'campaign';

/**
 * The `campaign` event: the public `Campaign` as JSON. No `id:` line, so a client's
 * `Last-Event-ID` (its place in the wall's events) stays as it was.
 */
export const campaignFrame = (data: string) => `event: campaign\ndata: ${data}\n\n`;

export class LiveHub {
  readonly #store: Store;
  readonly #render: EventRenderer;
  readonly #clients = new Set<Client>();
  readonly #versions = new Map<string, number>();
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #maxClients: number;
  readonly #maxPerAddress: number;
  /** Open streams per address key; keys at zero are removed. */
  readonly #perAddress = new Map<string, number>();
  readonly #maxBuffered: number;
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #closed = false;
  /** False while the store's feed is interrupted: cached versions may then be stale. */
  #live = true;

  constructor(store: Store, render: EventRenderer, options: LiveHubOptions = {}) {
    this.#store = store;
    this.#render = render;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#retryMs = options.retryMs ?? 3_000;
    this.#maxClients = options.maxClients ?? 10_000;
    this.#maxPerAddress = options.maxClientsPerAddress ?? 500;
    this.#maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  }

  start(): void {
    this.#unsubscribe = this.#store.subscribe(
      (event) => this.#publish(event),
      (live) => {
        this.#live = live;
        if (!live) this.#versions.clear();
      },
    );
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get full(): boolean {
    return this.#clients.size >= this.#maxClients;
  }

  /**
   * Whether a stream from `address` (the client's, `request.ip`) may open now: null,
   * or the error to answer with — `503` when every slot is taken, `429` when this
   * address holds its share. Call it just before `open`, with no await between.
   */
  admit(address: string | undefined): ApiError | null {
    if (this.full) {
      return new ApiError(503, 'unavailable', 'Too many live connections; try again soon', {
        headers: { 'retry-after': '10' },
      });
    }
    if ((this.#perAddress.get(clientKey(address)) ?? 0) >= this.#maxPerAddress) {
      return new ApiError(
        429,
        'rate_limited',
        'Too many live connections from your network; try again soon',
        { headers: { 'retry-after': '30' } },
      );
    }
    return null;
  }

  /** Id of the newest event of a campaign, as the fan-out has seen it. */
  async version(campaignId: string): Promise<number> {
    if (!this.#live) return this.#store.lastEventId(campaignId);
    const known = this.#versions.get(campaignId);
    if (known !== undefined) return known;
    const id = await this.#store.lastEventId(campaignId);
    const now = this.#versions.get(campaignId);
    if (now !== undefined && now > id) return now;
    if (this.#live) this.#versions.set(campaignId, id);
    return id;
  }

  /** Known version without a store round trip, when there is one. */
  cachedVersion(campaignId: string): number | undefined {
    return this.#live ? this.#versions.get(campaignId) : undefined;
  }

  /**
   * Takes over a response as an event stream. `lastEventId` null means "from now on";
   * a number replays every event after it first.
   */
  async open(
    res: ServerResponse,
    options: {
      campaignId: string;
      locale: Locale;
      lastEventId: number | null;
      headers?: Record<string, string>;
      /** The client's address (`request.ip`), counted against `maxClientsPerAddress`. */
      address?: string;
      /** `campaign`: only the campaign's own changes (default `quotes`). */
      topic?: LiveTopic;
      /** Data of a `campaign` event sent first (the campaign as it is now). */
      campaign?: string;
      /** The stream request's `Origin` header, or null (counted by `openByOrigin`). */
      origin?: string | null;
    },
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...options.headers,
    });
    res.socket?.setNoDelay(true);
    res.write(`retry: ${this.#retryMs}\n: connected\n\n`);
    if (options.campaign !== undefined) res.write(campaignFrame(options.campaign));
    const client: Client = {
      key: clientKey(options.address),
      campaignId: options.campaignId,
      locale: options.locale,
      res,
      topic: options.topic ?? 'quotes',
      origin: options.origin ?? '',
      lastSent: options.lastEventId ?? 0,
      queue: options.lastEventId === null ? null : [],
    };
    this.#add(client);
    res.on('close', () => this.#forget(client));
    if (this.#closed) {
      this.#drop(client);
      return;
    }
    if (options.lastEventId === null) return;

    try {
      let after = options.lastEventId;
      for (;;) {
        const page = await this.#store.eventsAfter(options.campaignId, after, 500);
        for (const event of page.events) this.#send(client, event);
        if (page.scannedTo === after || res.destroyed) break;
        after = page.scannedTo;
      }
      const queued = client.queue ?? [];
      client.queue = null;
      for (const event of queued) this.#send(client, event);
    } catch (error) {
      console.error('event replay failed', error);
      this.#drop(client);
    }
  }

  #send(client: Client, event: LiveEvent, wire?: Wire): void {
    const res = client.res;
    // Ended by a drain (close) while its replay was still reading: nothing more goes out.
    if (event.id <= client.lastSent || res.destroyed || res.writableEnded) return;
    client.lastSent = event.id;
    const socket = res.socket;
    if (
      wire &&
      socket?.writable &&
      !res.writableEnded &&
      (res as ChunkedResponse).chunkedEncoding &&
      !res.writableLength
    ) {
      // Nothing of this response is queued: the socket takes the shared chunk as is,
      // which is what res.write would send, without framing it again per client.
      socket.write((wire.chunk ??= chunk(wire.frame)));
    } else {
      res.write(wire?.frame ?? formatFrame(event, this.#render(event, client.locale)));
    }
    if (res.writableLength > this.#maxBuffered) this.#drop(client);
  }

  #publish(event: LiveEvent): void {
    const known = this.#versions.get(event.campaignId);
    if (known === undefined || event.id > known) this.#versions.set(event.campaignId, event.id);
    // Serialised and framed once per locale: thousands of clients share the same bytes.
    const frames = new Map<Locale, Wire>();
    for (const client of this.#clients) {
      if (client.campaignId !== event.campaignId || client.topic === 'campaign') continue;
      if (client.queue) {
        client.queue.push(event);
        continue;
      }
      let frame = frames.get(client.locale);
      if (frame === undefined) {
        frame = { frame: formatFrame(event, this.#render(event, client.locale)) };
        frames.set(client.locale, frame);
      }
      this.#send(client, event, frame);
    }
  }

  /**
   * Tells every stream of a campaign (both topics) that the campaign changed: `render`
   * gives the `Campaign` JSON in a locale, called once per locale whatever the count of
   * streams. A stream that does not read is dropped once its backlog passes the cap, so
   * it holds no one else up. Returns how many streams it reached.
   */
  pushCampaign(campaignId: string, render: (locale: Locale) => string): number {
    const frames = new Map<Locale, string>();
    let reached = 0;
    for (const client of this.#clients) {
      if (client.campaignId !== campaignId || client.res.destroyed) continue;
      let frame = frames.get(client.locale);
      if (frame === undefined) {
        frame = campaignFrame(render(client.locale));
        frames.set(client.locale, frame);
      }
      client.res.write(frame);
      reached++;
      if (client.res.writableLength > this.#maxBuffered) this.#drop(client);
    }
    return reached;
  }

  /** Open wall (`quotes`) streams of a campaign on this instance, by origin (`''` for none). */
  openByOrigin(campaignId: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const client of this.#clients) {
      if (client.campaignId !== campaignId || client.topic !== 'quotes') continue;
      counts.set(client.origin, (counts.get(client.origin) ?? 0) + 1);
    }
    return counts;
  }

  /** Whether any stream of this campaign is open on this instance. */
  hasStreams(campaignId: string): boolean {
    for (const client of this.#clients) if (client.campaignId === campaignId) return true;
    return false;
  }

  #beat(): void {
    for (const client of this.#clients) {
      if (!client.res.destroyed) client.res.write(': heartbeat\n\n');
    }
  }

  #add(client: Client): void {
    this.#clients.add(client);
    this.#perAddress.set(client.key, (this.#perAddress.get(client.key) ?? 0) + 1);
  }

  /** Uncounts a client once, however many ways it ends (close, drop, shutdown). */
  #forget(client: Client): void {
    if (!this.#clients.delete(client)) return;
    const left = (this.#perAddress.get(client.key) ?? 1) - 1;
    if (left > 0) this.#perAddress.set(client.key, left);
    else this.#perAddress.delete(client.key);
  }

  #drop(client: Client): void {
    this.#forget(client);
    client.res.destroy();
  }

  /**
   * Ends every stream (clients reconnect elsewhere and resume) and stops listening. Each
   * stream's last frame is a `retry:` between a fifth of the usual delay and all of it,
   * drawn per stream, so the walls of a draining instance come back through the balancer
   * spread over that time rather than all in the same instant.
   */
  close(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    for (const client of this.#clients) {
      if (client.res.destroyed || client.res.writableEnded) continue;
      const retry = Math.round(this.#retryMs * (0.2 + 0.8 * Math.random()));
      client.res.end(`retry: ${retry}\n\n`);
    }
    this.#clients.clear();
    this.#perAddress.clear();
  }
}
