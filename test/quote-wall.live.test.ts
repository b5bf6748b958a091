import { expect, fixture, html } from '@open-wc/testing';
import type { CampaignQuoteWall } from '../src/quote-wall/quote-wall.js';
import { openFeeds } from '../src/quote-wall/feed.js';
import {
  fastTiming,
  reportableFailures,
  settled,
  room,
  showing,
  texts,
  until,
  wallFor,
} from './support/quote-wall.js';

// The wall's live connection against the quotes test API: a real EventSource over
// real HTTP, dropped, refused and resumed on purpose.
reportableFailures();
describe('<campaign-quote-wall> live connection', () => {
  beforeEach(fastTiming);

  const live = (el: CampaignQuoteWall) =>
    until(() => el.live.status === 'live', `not live (${el.live.status})`);

  it('streams from where the first page ended', async () => {
    const r = room();
    await r.add({ text: 'Before', n: 2 });
    const el = await wallFor(r.api);
    await live(el);
    const stats = await r.stats();
    expect(stats.lists).to.equal(1);
    expect(stats.resumedFrom).to.deep.equal([2]);
    await r.add({ text: 'After' });
    await showing(el, ['After', 'Before 2', 'Before 1']);
  });

  it('resumes after a dropped connection with every quote exactly once', async () => {
    const r = room();
    await r.add({ text: 'A' });
    const statuses: string[] = [];
    const el = await wallFor(r.api);
    await live(el);
    el.addEventListener('campaign-live-status', (e) => statuses.push(e.detail.status));
    // Cut the stream, then publish while it is down.
    await r.call('drop');
    await r.add({ text: 'B', n: 3 });
    await r.call('remove?id=q1');
    await showing(el, ['B 3', 'B 2', 'B 1']);
    await live(el);
    const stats = await r.stats();
    // The browser resumed with Last-Event-ID: the id of the last event it had (1).
    expect(stats.resumedFrom).to.deep.equal([1, 1]);
    expect(statuses).to.deep.equal(['reconnecting', 'live']);
    await r.add({ text: 'C' });
    await showing(el, ['C', 'B 3', 'B 2', 'B 1']);
    expect(el.live.feed!.cursor).to.equal(6);
  });

  it('backs off, falls back to polling when the stream is refused, and streams again', async () => {
    const r = room();
    await r.call('refuse?on=1');
    await r.add({ text: 'A' });
    const el = await wallFor(r.api);
    // Every stream attempt fails: after three it polls the newest page instead.
    await until(() => texts(el).length === 1, 'first page');
    await r.add({ text: 'Polled' });
    await showing(el, ['Polled', 'A']);
    const polling = await r.stats();
    expect(polling.open).to.equal(0);
    expect(polling.streams).to.be.at.least(3);
    expect(polling.lists).to.be.at.least(2);
    expect(el.live.status).to.equal('live');
    // A withdrawal seen by polling takes the quote away too.
    await r.call('remove?id=q1');
    await showing(el, ['Polled']);
    // The stream is allowed again: the wall returns to it, from the polled cursor.
    await r.call('refuse?on=0');
    await until(() => el.live.feed!.cursor === 3, 'cursor from polling');
    const open = async () => (await r.stats()).open === 1;
    for (let i = 0; i < 100 && !(await open()); i++) await new Promise((f) => setTimeout(f, 20));
    expect((await r.stats()).open).to.equal(1);
    await r.add({ text: 'Streamed' });
    await showing(el, ['Streamed', 'Polled']);
  });

  it('polls where EventSource does not exist', async () => {
    const r = room();
    const original = window.EventSource;
    // @ts-expect-error -- a browser (or a hostile page) without EventSource
    delete window.EventSource;
    try {
      const el = await wallFor(r.api);
      await until(() => el.live.feed?.loaded === true, 'loaded');
      await r.add({ text: 'By polling' });
      await showing(el, ['By polling']);
      expect((await r.stats()).streams).to.equal(0);
    } finally {
      window.EventSource = original;
    }
  });

  it('is offline while the API cannot be reached, and recovers', async () => {
    const r = room();
    await r.add({ text: 'A' });
    const el = await wallFor(r.api);
    await live(el);
    await r.call('refuse?on=1');
    await r.call('slow?ms=0');
    // The stream goes and the list fails too: point the feed at a dead path.
    const feed = el.live.feed!;
    const listQuotes = feed.client.listQuotes.bind(feed.client);
    feed.client.listQuotes = () => Promise.reject(new Error('down'));
    await r.call('drop');
    await until(() => el.live.status === 'offline', 'offline', 6000);
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent.trim()).to.equal('Offline');
    expect(texts(el)).to.deep.equal(['A']);
    await settled(el);
    await expect(el).to.be.accessible();
    feed.client.listQuotes = listQuotes;
    await r.call('refuse?on=0');
    await r.add({ text: 'Back' });
    await showing(el, ['Back', 'A'], 6000);
  });

  it('shares one connection between walls for the same API and campaign', async () => {
    const r = room();
    await r.add({ text: 'A' });
    const box = await fixture<HTMLDivElement>(html`
      <div>
        <campaign-quote-wall api=${r.api} campaign="demo"></campaign-quote-wall>
        <campaign-quote-wall api=${r.api} campaign="demo" layout="ticker"></campaign-quote-wall>
        <campaign-quote-wall api=${r.api} campaign="demo" max-items="1"></campaign-quote-wall>
      </div>
    `);
    const [a, b, c] = [...box.querySelectorAll('campaign-quote-wall')];
    for (const el of [a, b, c]) await live(el);
    expect(a.live.feed).to.equal(b.live.feed);
    let stats = await r.stats();
    expect(stats.streams).to.equal(1);
    expect(stats.lists).to.equal(1);
    await r.add({ text: 'B' });
    await showing(a, ['B', 'A']);
    await showing(c, ['B']);
    // Leaving walls keep it open until the last one goes.
    a.remove();
    c.remove();
    await r.add({ text: 'C' });
    await until(() => b.live.feed!.items[0].text === 'C', 'still streaming');
    expect((await r.stats()).open).to.equal(1);
    b.remove();
    await until(() => openFeeds() === 0, 'feed closed');
    for (let i = 0; i < 100 && (await r.stats()).open; i++)
      await new Promise((f) => setTimeout(f, 20));
    stats = await r.stats();
    expect(stats.open).to.equal(0);
    expect(stats.streams).to.equal(1);
  });

  it('uses one connection per locale and reconnects when the page language changes', async () => {
    const r = room();
    const el = await wallFor(r.api);
    await live(el);
    const first = el.live.feed;
    document.documentElement.lang = 'zh-CN';
    try {
      await until(() => el.live.feed !== first && el.live.status === 'live', 'new feed');
      expect(el.live.feed!.key).to.contain('locale=zh-Hans');
      expect(openFeeds()).to.equal(1);
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('keeps showing its quotes through a language switch, with no fallback and no jump', async () => {
    const r = room();
    for (let i = 0; i < 8; i++) await r.add({ text: `Quote ${i} `.repeat(1 + (i % 4) * 6) });
    const el = await fixture<CampaignQuoteWall>(
      html`<campaign-quote-wall api=${r.api} campaign="demo"
        ><p>Readers’ quotes are on our campaign page.</p></campaign-quote-wall
      >`,
    );
    el.style.width = '390px';
    await live(el);
    await until(() => texts(el).length === 8, 'first page');
    await settled(el);
    const before = el.getBoundingClientRect().height;
    const shown = texts(el);
    // The new language's page takes a while to arrive.
    await r.call('slow?ms=600');
    const first = el.live.feed;
    let frames = 0;
    let fallback = 0;
    let emptied = 0;
    let lowest = before;
    let watching = true;
    const watch = () => {
      frames++;
      if (el.shadowRoot!.querySelector('slot')) fallback++;
      if (!texts(el).length) emptied++;
      lowest = Math.min(lowest, el.getBoundingClientRect().height);
      if (watching) requestAnimationFrame(watch);
    };
    watch();
    document.documentElement.lang = 'zh-CN';
    try {
      await until(() => el.live.feed !== first && !!el.live.feed?.loaded, 'Chinese page', 6000);
      await el.updateComplete;
      await new Promise(requestAnimationFrame);
    } finally {
      watching = false;
      document.documentElement.lang = 'en';
    }
    expect(frames, 'frames watched while switching').to.be.above(10);
    expect(fallback, 'frames showing the partner’s fallback').to.equal(0);
    expect(emptied, 'frames without quotes').to.equal(0);
    expect(lowest, `height fell from ${before}`).to.be.at.least(before - 4);
    expect(texts(el)).to.deep.equal(shown);
    await r.call('slow?ms=0');
  });

  it('pauses while the page is hidden for a while, and catches up on return', async () => {
    const r = room();
    await r.add({ text: 'A' });
    const el = await wallFor(r.api);
    await live(el);
    let hidden = true;
    const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      for (let i = 0; i < 100 && (await r.stats()).open; i++)
        await new Promise((f) => setTimeout(f, 20));
      expect((await r.stats()).open).to.equal(0);
      await r.add({ text: 'While hidden', n: 2 });
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      await showing(el, ['While hidden 2', 'While hidden 1', 'A']);
      const stats = await r.stats();
      expect(stats.open).to.equal(1);
      expect(stats.resumedFrom).to.deep.equal([1, 1]);
    } finally {
      Object.defineProperty(document, 'hidden', descriptor);
      delete (document as { hidden?: boolean }).hidden;
    }
  });

  it('closes its stream when the page is left, and resumes from its cursor back from the cache', async () => {
    const r = room();
    await r.add({ text: 'A' });
    const el = await wallFor(r.api);
    await live(el);
    // Kept in the back/forward cache, an open stream would hold one of the browser's
    // six connections to the API for as long as the page stays cached.
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    for (let i = 0; i < 100 && (await r.stats()).open; i++)
      await new Promise((f) => setTimeout(f, 20));
    expect((await r.stats()).open).to.equal(0);
    await r.add({ text: 'While cached' });
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await showing(el, ['While cached', 'A']);
    const stats = await r.stats();
    expect(stats.open).to.equal(1);
    // Both connections start after the first page's last event: nothing missed or repeated.
    expect(stats.resumedFrom).to.deep.equal([1, 1]);
  });

  it('pauses while the wall is far off-screen, and catches up when it comes near', async () => {
    const r = room();
    await r.add({ text: 'A' });
    const box = await fixture<HTMLDivElement>(html`
      <div style="padding-top: 6000px">
        <campaign-quote-wall api=${r.api} campaign="demo"></campaign-quote-wall>
      </div>
    `);
    const el = box.querySelector('campaign-quote-wall')!;
    // Far below the fold, it reads nothing and opens nothing.
    await until(() => el.live.feed !== undefined, 'joined its feed');
    await new Promise(requestAnimationFrame);
    expect(el.live.active).to.equal(false);
    expect(await r.stats()).to.include({ open: 0, lists: 0, streams: 0 });
    el.scrollIntoView();
    await showing(el, ['A']);
    await until(() => el.live.status === 'live', 'live near the viewport');
    // Far away again: the stream closes; back near, it catches up from its cursor.
    window.scrollTo(0, 0);
    await until(() => !el.live.active, 'off-screen again');
    for (let i = 0; i < 100 && (await r.stats()).open; i++)
      await new Promise((f) => setTimeout(f, 20));
    expect((await r.stats()).open).to.equal(0);
    await r.add({ text: 'Meanwhile' });
    el.scrollIntoView();
    await showing(el, ['Meanwhile', 'A']);
    expect((await r.stats()).resumedFrom).to.deep.equal([1, 1]);
    window.scrollTo(0, 0);
  });

  it('leaves no connection, request, timer or listener behind when removed', async () => {
    const r = room();
    await r.add({ text: 'A' });
    // Track what the page opens from here on.
    const timers = new Set<number>();
    const frames = new Set<number>();
    const sources: EventSource[] = [];
    const listeners = new Map<string, number>();
    const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
    const { requestAnimationFrame: raf, cancelAnimationFrame: caf, EventSource: ES } = window;
    const add = document.addEventListener;
    const removeListener = document.removeEventListener;
    const addOnWindow = window.addEventListener;
    const removeOnWindow = window.removeEventListener;
    const windowListeners = new Map<string, number>();
    // Only timers the library's sources start count (the test helpers have their own).
    const ours = () => /:\d+\/src\//.test(new Error().stack ?? '');
    window.setTimeout = ((fn: () => void, ms?: number) => {
      const id = st(() => {
        timers.delete(id);
        fn();
      }, ms);
      if (ours()) timers.add(id);
      return id;
    }) as typeof setTimeout;
    window.clearTimeout = ((id: number) => {
      timers.delete(id);
      ct(id);
    }) as typeof clearTimeout;
    window.setInterval = ((fn: () => void, ms?: number) => {
      const id = si(fn, ms);
      if (ours()) timers.add(id);
      return id;
    }) as typeof setInterval;
    window.clearInterval = ((id: number) => {
      timers.delete(id);
      ci(id);
    }) as typeof clearInterval;
    window.requestAnimationFrame = (fn) => {
      const id = raf((t) => {
        frames.delete(id);
        fn(t);
      });
      if (ours()) frames.add(id);
      return id;
    };
    window.cancelAnimationFrame = (id) => {
      frames.delete(id);
      caf(id);
    };
    window.EventSource = class extends ES {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        sources.push(this);
      }
    };
    document.addEventListener = function (this: Document, type: string, ...rest: unknown[]) {
      listeners.set(type, (listeners.get(type) ?? 0) + 1);
      return (add as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof add;
    document.removeEventListener = function (this: Document, type: string, ...rest: unknown[]) {
      listeners.set(type, (listeners.get(type) ?? 0) - 1);
      return (removeListener as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof removeListener;
    window.addEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      windowListeners.set(type, (windowListeners.get(type) ?? 0) + 1);
      return (addOnWindow as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof addOnWindow;
    window.removeEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      windowListeners.set(type, (windowListeners.get(type) ?? 0) - 1);
      return (removeOnWindow as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof removeOnWindow;
    try {
      const el = await wallFor(r.api, { layout: 'spotlight' });
      await live(el);
      await r.add({ text: 'B' });
      await until(() => el.live.feed!.items.length === 2, 'arrival');
      expect(sources.length).to.equal(1);
      expect(timers.size).to.be.greaterThan(0);
      expect(windowListeners.get('hashchange')).to.equal(1);
      el.remove();
      await until(() => openFeeds() === 0, 'feed closed');
      expect(sources[0].readyState).to.equal(EventSource.CLOSED);
      expect([...timers], 'timers left').to.deep.equal([]);
      expect([...frames], 'frames left').to.deep.equal([]);
      expect(listeners.get('visibilitychange')).to.equal(0);
      // The wall listened for links to a quote (#campaign-quote-<id>) while on the page.
      expect(windowListeners.get('hashchange'), 'hashchange listeners left').to.equal(0);
      for (let i = 0; i < 100 && (await r.stats()).open; i++) await new Promise((f) => st(f, 20));
      expect((await r.stats()).open).to.equal(0);
    } finally {
      Object.assign(window, {
        setTimeout: st,
        clearTimeout: ct,
        setInterval: si,
        clearInterval: ci,
        requestAnimationFrame: raf,
        cancelAnimationFrame: caf,
        EventSource: ES,
      });
      document.addEventListener = add;
      document.removeEventListener = removeListener;
      window.addEventListener = addOnWindow;
      window.removeEventListener = removeOnWindow;
    }
  });

  it('aborts the first page when removed while it loads', async () => {
    const r = room();
    await r.call('slow?ms=3000');
    const signals: AbortSignal[] = [];
    const original = window.fetch;
    window.fetch = (input, init) => {
      if ((input instanceof Request ? input.url : input.toString()).includes('/quotes'))
        signals.push(init!.signal!);
      return original(input, init);
    };
    try {
      const el = await wallFor(r.api);
      await until(() => signals.length === 1, 'first page requested');
      expect(signals[0].aborted).to.equal(false);
      el.remove();
      expect(signals[0].aborted).to.equal(true);
      expect(openFeeds()).to.equal(0);
    } finally {
      window.fetch = original;
    }
  });
});
