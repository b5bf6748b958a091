/**
 * The newsroom console's live stream: every staff event the store commits (a new
 * submission, a decision, an edit, a delete — on any API instance) goes to the open
 * consoles of its campaign as a Server-Sent Event. Events carry ids and who acted,
 * never a reader's words: a console fetches what it shows. There is no replay; a
 * console that reconnects reloads its counts and its page.
 *
 * Bounded: at most `maxPerPerson` streams per staff member (the service token counts
 * as one person), `maxClients` in all; a console that stops reading is dropped once
 * its unsent output passes `maxBufferedBytes`.
 *
 * A stream lasts only as long as the session that opened it: every `checkMs` the
 * session is looked up again, and a stream whose session was signed out, expired or
 * whose account was disabled (on any instance) is ended.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './errors.js';
import { staffEventToWire } from './newsroom-mapping.js';
import type { StaffEvent } from './store/newsroom.js';
import type { Store } from './store/store.js';

export interface StaffFeedOptions {
  heartbeatMs?: number;
  retryMs?: number;
  maxClients?: number;
  maxPerPerson?: number;
  maxBufferedBytes?: number;
  /** How often each stream's session (and role on its campaign) is checked again (5 000 ms). */
  checkMs?: number;
}

interface Console {
  person: string;
  campaignId: string;
  res: ServerResponse;
  /** The session's token hash; null for the service token. */
  session: string | null;
}

export class StaffFeed {
  readonly #store: Store;
  readonly #clients = new Set<Console>();
  readonly #perPerson = new Map<string, number>();
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #maxClients: number;
  readonly #maxPerPerson: number;
  readonly #maxBuffered: number;
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #check: NodeJS.Timeout | null = null;
  readonly #checkMs: number;

  constructor(store: Store, options: StaffFeedOptions = {}) {
    this.#store = store;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#retryMs = options.retryMs ?? 3_000;
    this.#maxClients = options.maxClients ?? 500;
    this.#maxPerPerson = options.maxPerPerson ?? 8;
    this.#maxBuffered = options.maxBufferedBytes ?? 256 * 1024;
    this.#checkMs = options.checkMs ?? 5_000;
  }

  start(): void {
    this.#unsubscribe = this.#store.subscribeStaff((event) => this.#publish(event));
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
    this.#heartbeat.unref();
    this.#check = setInterval(() => void this.#checkSessions(), this.#checkMs);
    this.#check.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Null when `person` may open one more stream now, else the error to answer. */
  admit(person: string): ApiError | null {
    if (this.#clients.size >= this.#maxClients) {
      return new ApiError(503, 'unavailable', 'Too many consoles are open; try again soon', {
        headers: { 'retry-after': '10' },
      });
    }
    if ((this.#perPerson.get(person) ?? 0) >= this.#maxPerPerson) {
      return new ApiError(429, 'rate_limited', 'Too many consoles open for this account', {
        headers: { 'retry-after': '30' },
      });
    }
    return null;
  }

  /** Starts the stream on `res` (headers included); it ends when the client goes. */
  open(person: string, campaignId: string, res: ServerResponse, session: string | null): void {
    const client: Console = { person, campaignId, res, session };
    this.#clients.add(client);
    this.#perPerson.set(person, (this.#perPerson.get(person) ?? 0) + 1);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write(`retry: ${this.#retryMs}\n: connected\n\n`);
    const drop = () => this.#drop(client);
    res.once('close', drop);
    res.once('error', drop);
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#check) clearInterval(this.#check);
    for (const client of [...this.#clients]) {
      client.res.end();
      this.#drop(client);
    }
  }

  #publish(event: StaffEvent): void {
    let frame: string | null = null;
    for (const client of this.#clients) {
      if (client.campaignId !== event.campaignId) continue;
      frame ??= `event: ${event.type}\ndata: ${JSON.stringify(staffEventToWire(event))}\n\n`;
      this.#send(client, frame);
    }
  }

  async #checkSessions(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.#clients].map(async (client) => {
        if (client.session === null) return;
        const alive = await this.#store.getSession(client.session, now).catch(() => undefined);
        // undefined: the database did not answer; keep the stream until it does.
        // A person whose role on this campaign became `none` stops hearing it too.
        const shut =
          alive &&
          (await this.#store
            .campaignRoleOf(alive.staff.id, client.campaignId)
            .catch(() => undefined)) === 'none';
        if (alive === null || (alive && alive.staff.disabledAt !== null) || shut) {
          client.res.end();
          this.#drop(client);
        }
      }),
    );
  }

  #beat(): void {
    for (const client of this.#clients) this.#send(client, ': heartbeat\n\n');
  }

  #send(client: Console, text: string): void {
    if (client.res.writableLength > this.#maxBuffered) {
      client.res.destroy();
      this.#drop(client);
      return;
    }
    client.res.write(text);
  }

  #drop(client: Console): void {
    if (!this.#clients.delete(client)) return;
    const left = (this.#perPerson.get(client.person) ?? 1) - 1;
    if (left > 0) this.#perPerson.set(client.person, left);
    else this.#perPerson.delete(client.person);
  }
}
