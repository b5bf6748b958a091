import { expect, waitUntil } from '@open-wc/testing';
import type { CampaignApiClient } from '../src/api/client.js';
import type { Quote, QuotePage } from '../src/api/wire.js';
import { timing, type ConnectionEvent, type Transport } from '../src/quote-wall/connection.js';
import { Feed, feedFor, openFeeds } from '../src/quote-wall/feed.js';

// The feed alone, without a wall: its connection is scripted (or, once, a real one over
// a scripted EventSource), and what the feed holds is read directly.

const quote = (id: string, minute: number): Quote => ({
  id,
  text: `Quote ${id}`,
  displayName: null,
  district: null,
  locale: 'en',
  approvedAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  photoId: null,
});

const page = (lastEventId: number, ...items: Quote[]): QuotePage => ({
  items,
  nextBefore: null,
  lastEventId,
});

/** A connection that records what the feed asks of it and sends what the test says. */
class Scripted implements Transport {
  from = -1;
  size = 0;
  runs: boolean[] = [];
  closed = false;
  send!: (...event: ConnectionEvent) => void;
  run(wanted?: boolean): void {
    this.runs.push(!!wanted);
  }
  close(): void {
    this.closed = true;
  }
}

const client = {} as CampaignApiClient;
let keys = 0;

function scripted() {
  const connection = new Scripted();
  const feed = new Feed(`test:feed-${keys++}`, client, 'en', (emit) => {
    connection.send = emit;
    return connection;
  });
  return { feed, connection };
}

const ids = (feed: Feed) => feed.items.map((q) => q.id);
const frame = () => new Promise(requestAnimationFrame);

describe('quote wall feed', () => {
  const listeners: [Feed, (added: number) => void][] = [];
  /** A subscriber that records what it hears. */
  const subscribe = (feed: Feed, need = 24, active = true) => {
    const heard: number[] = [];
    const listener = (added: number) => heard.push(added);
    feed.want(listener, need, active);
    listeners.push([feed, listener]);
    return { heard, listener };
  };
  afterEach(() => {
    for (const [feed, listener] of listeners.splice(0)) feed.want(listener);
  });

  it('ignores events at or before its last event id', async () => {
    const { feed, connection } = scripted();
    const { heard } = subscribe(feed);
    connection.send('page', page(2, quote('q2', 2), quote('q1', 1)));
    connection.send('quote', quote('q0', 3), 2);
    connection.send('quote', quote('q3', 3), 3);
    // The same event again (a replay after a reconnect), and another with its id.
    connection.send('quote', quote('q3', 3), 3);
    connection.send('quote', quote('q4', 4), 3);
    connection.send('remove', quote('q1', 1), 1);
    await frame();
    expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1']);
    expect(feed.cursor).to.equal(3);
    expect(connection.from).to.equal(3);
    // The first page is no arrival; one quote came after it.
    expect(heard).to.deep.equal([1]);
  });

  it('places an event older than the page where it belongs, and ignores a stale poll', () => {
    const { feed, connection } = scripted();
    subscribe(feed);
    connection.send('page', page(5, quote('q5', 5), quote('q3', 3)));
    // Approved before q5 but published to the stream after the page was read.
    connection.send('quote', quote('q4', 4), 6);
    expect(ids(feed)).to.deep.equal(['q5', 'q4', 'q3']);
    // A poll answered from before that event must not take q4 away again.
    connection.send('page', page(5, quote('q5', 5), quote('q3', 3)));
    expect(ids(feed)).to.deep.equal(['q5', 'q4', 'q3']);
    expect(feed.cursor).to.equal(6);
    // A newer poll is the truth: q3 is gone from its range (withdrawn meanwhile).
    connection.send('page', page(8, quote('q5', 5), quote('q4', 4)));
    expect(ids(feed)).to.deep.equal(['q5', 'q4']);
    expect(feed.cursor).to.equal(8);
    // A quote changed in place keeps its place and its single entry.
    connection.send('quote', { ...quote('q5', 5), text: 'Edited' }, 9);
    expect(feed.items.map((q) => q.text)).to.deep.equal(['Edited', 'Quote q4']);
  });

  it('drops a withdrawn quote and tells its subscribers', async () => {
    const { feed, connection } = scripted();
    const { heard } = subscribe(feed);
    connection.send('page', page(1, quote('q2', 2), quote('q1', 1)));
    await frame();
    heard.length = 0;
    connection.send('remove', quote('q2', 2), 2);
    expect(ids(feed)).to.deep.equal(['q1']);
    await frame();
    expect(heard).to.deep.equal([0]);
    expect(feed.cursor).to.equal(2);
  });

  it('starts from a snapshot as from a first page: connects from its last event id, and a later page read does not replace it', async () => {
    const { feed, connection } = scripted();
    feed.seed(page(6, quote('q2', 2), quote('q1', 1)));
    // Loaded before anyone subscribed, so the connection's first run streams from 6.
    expect(feed.loaded).to.equal(true);
    expect(connection.from).to.equal(6);
    expect(connection.runs).to.deep.equal([]);
    const { heard } = subscribe(feed);
    expect(connection.runs).to.deep.equal([true]);
    // Replayed events up to the snapshot are ignored; the next one arrives once.
    connection.send('quote', quote('q2', 2), 5);
    connection.send('quote', quote('q3', 3), 7);
    connection.send('quote', quote('q3', 3), 7);
    await frame();
    expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1']);
    expect(heard).to.deep.equal([1]);
    // A page read later (a poll) from before the stream's last event changes nothing.
    connection.send('page', page(6, quote('q2', 2), quote('q1', 1)));
    expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1']);
    // A second snapshot (another wall's, older) changes nothing.
    feed.seed(page(4, quote('q1', 1)));
    expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1']);
    expect(feed.cursor).to.equal(7);
  });

  it('adds the older quotes of a longer snapshot of the same moment (two walls, one feed)', () => {
    const { feed } = scripted();
    feed.seed({ ...page(6, quote('q3', 3), quote('q2', 2)), nextBefore: 'c2' });
    expect(feed.end).to.equal(false);
    // The other wall was rendered with four quotes at the same event id.
    feed.seed(page(6, quote('q3', 3), quote('q2', 2), quote('q1', 1), quote('q0', 0)));
    expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1', 'q0']);
    expect(feed.end).to.equal(true);
    // Of another moment: not merged (the stream or paging brings what differs).
    feed.seed(
      page(9, quote('q9', 9), quote('q3', 3), quote('q2', 2), quote('q1', 1), quote('q0', 0)),
    );
    expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1', 'q0']);
  });

  it('carries its last event id into a reconnection', () => {
    const { feed, connection } = scripted();
    const { listener } = subscribe(feed);
    expect(connection.runs).to.deep.equal([true]);
    connection.send('page', page(4, quote('q1', 1)));
    expect(connection.from).to.equal(4);
    connection.send('quote', quote('q2', 2), 5);
    connection.send('quote', quote('q3', 3), 7);
    // Far off-screen: paused; near again: resumes where the feed is.
    feed.want(listener, 24, false);
    feed.want(listener, 24, true);
    expect(connection.runs).to.deep.equal([true, false, true]);
    expect(connection.from).to.equal(7);
  });

  it('resumes a real connection from the last event id it applied', async () => {
    Object.assign(timing, { retry: 20, maxRetry: 40 });
    const urls: string[] = [];
    const sources: EventTarget[] = [];
    const original = window.EventSource;
    class ScriptedSource extends EventTarget {
      readonly CONNECTING = 0;
      readyState = 0;
      onopen?: () => void;
      onerror?: () => void;
      constructor(url: string) {
        super();
        urls.push(url);
        sources.push(this);
      }
      close() {
        this.readyState = 2;
      }
    }
    window.EventSource = ScriptedSource as unknown as typeof EventSource;
    try {
      const first = page(4, quote('q1', 1));
      const feed = new Feed(
        `test:feed-${keys++}`,
        {
          quoteStreamUrl: (from?: number) => `stream?from=${from}`,
          listQuotes: () => Promise.resolve(first),
        } as unknown as CampaignApiClient,
        'en',
      );
      subscribe(feed);
      await waitUntil(() => urls.length === 1, 'stream opened after the first page');
      expect(urls).to.deep.equal(['stream?from=4']);
      const es = sources[0] as ScriptedSource;
      es.onopen!();
      expect(feed.status).to.equal('live');
      const event = (type: string, q: Quote, id: number) =>
        new MessageEvent(type, { data: JSON.stringify(q), lastEventId: String(id) });
      es.dispatchEvent(event('quote', quote('q2', 2), 5));
      es.dispatchEvent(event('quote', quote('q2', 2), 5));
      es.dispatchEvent(event('quote', quote('q3', 3), 6));
      expect(ids(feed)).to.deep.equal(['q3', 'q2', 'q1']);
      // The browser's own retry fails too: the feed opens a new stream after a backoff.
      es.onerror!();
      es.readyState = 2;
      es.onerror!();
      expect(feed.status).to.equal('reconnecting');
      await waitUntil(() => urls.length === 2, 'reconnected', { timeout: 2000 });
      expect(urls[1]).to.equal('stream?from=6');
    } finally {
      window.EventSource = original;
    }
  });

  it('gives every subscriber of one feed the same state, and keeps what the most demanding shows', async () => {
    const { feed, connection } = scripted();
    expect(feedFor(feed.key, client, 'en')).to.equal(feed);
    const a = subscribe(feed, 1);
    const b = subscribe(feed, 3);
    expect(connection.size).to.equal(3);
    connection.send(
      'page',
      page(1, quote('q4', 4), quote('q3', 3), quote('q2', 2), quote('q1', 1)),
    );
    connection.send('quote', quote('q5', 5), 2);
    await frame();
    expect(a.heard).to.deep.equal([1]);
    expect(b.heard).to.deep.equal(a.heard);
    connection.send('status', 'live');
    expect(a.heard).to.deep.equal([1, 0]);
    expect(b.heard).to.deep.equal(a.heard);
    expect(feed.status).to.equal('live');
    feed.trim();
    expect(ids(feed)).to.deep.equal(['q5', 'q4', 'q3']);
  });

  it('closes its connection when the last subscriber leaves', async () => {
    const before = openFeeds();
    const { feed, connection } = scripted();
    expect(openFeeds()).to.equal(before + 1);
    const a = subscribe(feed);
    const b = subscribe(feed, 24, false);
    feed.want(a.listener);
    expect(connection.closed).to.equal(false);
    // Only an inactive subscriber is left: paused, not closed.
    expect(connection.runs.at(-1)).to.equal(false);
    expect(openFeeds()).to.equal(before + 1);
    feed.want(b.listener);
    expect(connection.closed).to.equal(true);
    expect(openFeeds()).to.equal(before);
    // Nothing reaches a subscriber that left.
    connection.send('quote', quote('q1', 1), 1);
    await frame();
    expect(b.heard).to.deep.equal([]);
  });
});
