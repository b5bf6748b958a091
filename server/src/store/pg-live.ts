/**
 * The live feed over PostgreSQL: events are written with ids in commit order, and a
 * LISTEN connection on every instance hands each committed event to that instance's
 * subscribers.
 *
 * Event ids. A writer that adds an event takes a transaction-level advisory lock first
 * and uses max(id) + 1; the lock is held until its commit. So event ids commit in id
 * order: a reader that sees id n sees every id below it, and a wall that resumes after
 * n never misses a lower id that committed late (which a plain sequence would allow).
 *
 * Fan-out. Each such transaction also NOTIFYs the channel. Every instance's listener
 * then reads the events after the last one it handed out, from the table, in id order,
 * and hands them to its subscribers: the notification only wakes it up, so a lost
 * notification or a dropped listening connection loses nothing — on reconnect the
 * listener reads what it missed.
 *
 * Staff events. The consoles' events (a submission received, changed, deleted) go on
 * a channel of their own, in the NOTIFY's payload, sent in the transaction of the change
 * (so only once it commits). They are not kept: a console that reconnects reloads.
 */
import pg from 'pg';
import { type PgConnection, quoteIdent, storeError } from './pg-connection.js';
import { EVENT_COLUMNS, type EventRow, toEvent } from './rows.js';
import type { StaffEvent } from './newsroom.js';
import type { LiveEvent, LiveStatusListener } from './store.js';

/** Most events read per query by the listener. */
const EVENT_PAGE = 500;

/** Longest a writer waits for its own event to reach this instance's subscribers. */
const HANDED_OUT_WAIT_MS = 1000;

/** Below PostgreSQL's 8000-byte limit on a NOTIFY payload. */
const MAX_STAFF_PAYLOAD = 7000;

export class PgLiveFeed {
  readonly #db: PgConnection;
  readonly #channel: string;
  readonly #staffChannel: string;
  readonly #staffListeners = new Set<(event: StaffEvent) => void>();
  readonly #listeners = new Set<{
    onEvent: (event: LiveEvent) => void;
    onStatus: LiveStatusListener | undefined;
  }>();
  #listenClient: pg.Client | null = null;
  #live = false;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #reconnectDelay = 100;
  /** Id of the newest event handed to subscribers. */
  #cursor = 0;
  #pumping = false;
  #pumpAgain = false;
  #waiters: { id: number; resolve: () => void }[] = [];

  constructor(db: PgConnection) {
    this.#db = db;
    this.#channel = `campaign_events:${db.schema}`.slice(0, 63);
    this.#staffChannel = `campaign_staff:${db.schema}`.slice(0, 63);
  }

  /** Starts after the newest event already stored, and listens for the next ones. */
  async start(): Promise<void> {
    const [{ last }] = await this.#db.query<{ last: string }>(
      'SELECT coalesce(max(id), 0) AS last FROM events',
    );
    this.#cursor = Number(last);
    await this.#listen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#staffListeners.clear();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    const client = this.#listenClient;
    this.#listenClient = null;
    await client?.end().catch(() => undefined);
  }

  subscribe(onEvent: (event: LiveEvent) => void, onStatus?: LiveStatusListener): () => void {
    const entry = { onEvent, onStatus };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  subscribeStaff(listener: (event: StaffEvent) => void): () => void {
    this.#staffListeners.add(listener);
    return () => this.#staffListeners.delete(listener);
  }

  /** The channel `notifyStaff` sends on (for a batch that notifies in one statement). */
  get staffChannel(): string {
    return this.#staffChannel;
  }

  /** Runs in the event's own transaction first (the webhook outbox). */
  inTransaction: ((client: pg.PoolClient, event: StaffEvent) => Promise<void>) | null = null;

  /** Sends a staff event to every instance once `client`'s transaction commits. */
  async notifyStaff(client: pg.PoolClient, event: StaffEvent): Promise<void> {
    await this.inTransaction?.(client, event);
    let payload = JSON.stringify(event);
    if (payload.length > MAX_STAFF_PAYLOAD && 'actor' in event) {
      payload = JSON.stringify({
        ...event,
        actor: { ...event.actor, name: event.actor.name.slice(0, 200) },
      });
    }
    await client.query('SELECT pg_notify($1, $2)', [this.#staffChannel, payload]);
  }

  #staffNotified(payload: string | undefined): void {
    let event: StaffEvent;
    try {
      event = JSON.parse(payload ?? '') as StaffEvent;
    } catch {
      return;
    }
    for (const listener of this.#staffListeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('staff event listener failed', error);
      }
    }
  }

  /** Adds an event under the event lock (held to commit) and notifies every instance. */
  async addEvent(
    client: pg.PoolClient,
    campaignId: string,
    type: 'quote' | 'remove',
    quoteId: string,
    now: number,
  ): Promise<number> {
    await client.query(`SELECT pg_advisory_xact_lock(${this.#db.lockKey('events')})`);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO events (id, campaign_id, type, quote_id, created_at)
       SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4 FROM events
       RETURNING id`,
      [campaignId, type, quoteId, now],
    );
    const id = Number(rows[0].id);
    await client.query('SELECT pg_notify($1, $2)', [this.#channel, String(id)]);
    return id;
  }

  /**
   * Waits (briefly) until this instance's subscribers have had event `id`, so a write
   * followed by a read on the same instance sees its own event (the quotes cache).
   */
  handedOut(id: number): Promise<void> {
    if (id <= this.#cursor || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        resolve();
      }, HANDED_OUT_WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push({ id, resolve: done });
      this.#pump();
    });
  }

  /** Opens the listening connection; on loss, reconnects with backoff and catches up. */
  async #listen(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.#db.clientConfig());
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#listenClient === client) this.#listenClient = null;
      client.end().catch(() => undefined);
      this.#setLive(false);
      this.#scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel === this.#staffChannel) this.#staffNotified(message.payload);
      else this.#pump();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.#channel)}`);
      await client.query(`LISTEN ${quoteIdent(this.#staffChannel)}`);
    } catch (error) {
      onLost();
      throw storeError(error);
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#listenClient = client;
    this.#reconnectDelay = 100;
    this.#pump(); // whatever committed while nobody listened; then live again
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const wait = this.#reconnectDelay;
    this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, 2000);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#listen().catch(() => undefined);
    }, wait);
    this.#reconnectTimer.unref();
  }

  #setLive(live: boolean): void {
    if (this.#live === live) return;
    this.#live = live;
    for (const listener of this.#listeners) listener.onStatus?.(live);
  }

  /** Reads and hands out every event after the cursor; one reader at a time. */
  #pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void (async () => {
      try {
        do {
          this.#pumpAgain = false;
          let lastPage = false;
          while (!lastPage && !this.#closed) lastPage = await this.#handOutPage();
        } while (this.#pumpAgain && !this.#closed);
        if (this.#listenClient) this.#setLive(true);
      } catch {
        // Events are late until the database answers again; try again shortly (the
        // listening connection, if it dropped too, catches up when it is back).
        this.#setLive(false);
        this.#pumping = false;
        if (!this.#closed) setTimeout(() => this.#pump(), 500).unref();
        return;
      }
      this.#pumping = false;
    })();
  }

  /** Hands out one page of events after the cursor; true when it was the last page. */
  async #handOutPage(): Promise<boolean> {
    const rows = await this.#db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
       LEFT JOIN submissions s ON s.id = e.quote_id AND s.status = 'approved'
         AND s.hidden_at IS NULL
       WHERE e.id > $1 ORDER BY e.id LIMIT ${EVENT_PAGE}`,
      [this.#cursor],
    );
    for (const row of rows) {
      const event = toEvent(row);
      this.#cursor = Number(row.event_id);
      if (event) this.#emit(event);
    }
    this.#wake();
    return rows.length < EVENT_PAGE;
  }

  #emit(event: LiveEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener.onEvent(event);
      } catch (error) {
        console.error('live event listener failed', error);
      }
    }
  }

  #wake(): void {
    if (!this.#waiters.length) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.id > this.#cursor) return true;
      waiter.resolve();
      return false;
    });
  }
}
