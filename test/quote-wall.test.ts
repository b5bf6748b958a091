import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { setLocale } from '../src/i18n/locale.js';
import { formatDate } from '../src/i18n/format.js';
import { QUOTE_WALL_LAYOUTS } from '../src/quote-wall/quote-wall.js';
import type { CampaignQuoteWall } from '../src/quote-wall/quote-wall.js';
import {
  $,
  button,
  fastTiming,
  liveRegion,
  reportableFailures,
  room,
  settled,
  showing,
  statusText,
  texts,
  until,
  wallFor,
} from './support/quote-wall.js';
import { captureWarnings } from './support/warnings.js';

// Presentation and reading behaviour of <campaign-quote-wall>, against the quotes test
// API (test/support/quote-endpoints.mjs): real HTTP, a real Server-Sent Events stream.
reportableFailures();

describe('<campaign-quote-wall>', () => {
  let console_: ReturnType<typeof captureWarnings>;
  let warnings: unknown[][];
  let emulated = false;

  beforeEach(() => {
    fastTiming();
    console_ = captureWarnings();
    warnings = console_.warnings;
  });

  afterEach(async () => {
    console_.restore();
    await setLocale(undefined);
    if (emulated) await emulateMedia({ reducedMotion: 'no-preference' });
    emulated = false;
    window.scrollTo(0, 0);
    // Lit prints nothing in development mode but its one notice.
    expect(console_.lit(), 'Lit development warnings').to.deep.equal([]);
  });

  const count = (query: Record<string, string | number>[]) =>
    query.reduce((n, q) => n + Number(q.n ?? 1), 0);

  async function loaded(query: Record<string, string | number>[], attrs = {}) {
    const r = room();
    for (const q of query) await r.add(q);
    const el = await wallFor(r.api, attrs);
    await until(() => el.live.status === 'live', `wall never went live (${el.live.status})`);
    const shown = { spotlight: 1 }[(attrs as { layout?: string }).layout ?? ''];
    const max = Number((attrs as { maxItems?: string }).maxItems ?? 24);
    await until(
      () => texts(el).length === (shown ?? Math.min(count(query), max)),
      'first page shown',
    );
    return { r, el };
  }

  it('shows the newest quotes first, each with its language, name, district and time', async () => {
    const { el } = await loaded([
      { text: 'Mountain city, warm people', name: 'Li Wei' },
      { text: '山城人热情好客', lang: 'zh-Hans', name: '' },
      { text: 'With a photo', photo: 'p-1' },
    ]);
    expect(texts(el)).to.deep.equal([
      'With a photo',
      '山城人热情好客',
      'Mountain city, warm people',
    ]);
    const quotes = [...el.shadowRoot!.querySelectorAll('figure')];
    expect(quotes[1].querySelector('blockquote')!.lang).to.equal('zh-Hans');
    expect(quotes[2].querySelector('blockquote')!.lang).to.equal('en');
    // An empty name is anonymous; a district shows when the quote has one.
    expect(quotes[1].querySelector('b')!.textContent).to.equal('Anonymous');
    expect(quotes[2].querySelector('b')!.textContent).to.equal('Li Wei');
    expect(quotes[2].querySelector('figcaption')!.textContent).to.contain('Yuzhong');
    const time = quotes[0].querySelector('time')!;
    expect(Date.parse(time.dateTime)).to.be.closeTo(Date.now(), 60_000);
    expect(time.textContent.trim()).to.equal('now');
    // The photo is a <campaign-photo> for the same API and campaign.
    const photo = quotes[0].querySelector('campaign-photo')!;
    expect(photo.getAttribute('photo')).to.equal('p-1');
    expect(photo.getAttribute('api')).to.equal(el.api);
    expect(photo.getAttribute('campaign')).to.equal('demo');
    // The quote's own caption names the reader; the photo keeps its credit but no caption.
    expect(photo.getAttribute('caption')).to.equal('');
    expect(quotes[1].querySelector('campaign-photo')).to.equal(null);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('keeps quote text as text: markup and links are never interpreted', async () => {
    const text =
      '<img src=x onerror="window.hacked=1"><a href="https://evil.example">x</a> www.x.cn';
    const { el } = await loaded([{ text }]);
    expect(texts(el)).to.deep.equal([text]);
    const quote = $(el, 'blockquote')!;
    expect(quote.children.length).to.equal(0);
    expect(el.shadowRoot!.querySelector('img, a')).to.equal(null);
    expect((window as { hacked?: number }).hacked).to.equal(undefined);
  });

  it('shows times relative to now and keeps them in the page language', async () => {
    const hour = new Date(Date.now() - 3600_000).toISOString();
    const { el } = await loaded([{ text: 'An hour ago', at: hour, name: '' }]);
    expect($(el, 'time')!.textContent.trim()).to.equal('1 hour ago');
    await setLocale('zh-Hans');
    await until(() => $(el, 'time')?.textContent?.trim() === '1小时前', 'zh-Hans time');
    expect($(el, 'b')!.textContent).to.equal('匿名');
    await until(() => statusText(el) === '实时', 'zh-Hans status');
  });

  it('adds arriving quotes on top and announces a short summary, once per burst', async () => {
    const { r, el } = await loaded([{ text: 'First' }]);
    expect(liveRegion(el).textContent).to.equal('');
    await r.add({ text: 'Second' });
    await showing(el, ['Second', 'First']);
    // It slides in (a fresh-quote animation class on the new one only).
    const [fresh, old] = el.shadowRoot!.querySelectorAll('figure');
    expect(fresh.className).to.match(/^arrived-[01]$/);
    expect(old.className).to.equal('');
    await until(() => liveRegion(el).textContent === '1 new quote', 'announce one');
    await r.add({ text: 'Burst', n: 3 });
    await showing(el, ['Burst 3', 'Burst 2', 'Burst 1', 'Second', 'First']);
    await until(() => liveRegion(el).textContent === '3 new quotes', 'announce three');
    // The region carries the summary only, never quote text.
    expect(liveRegion(el).textContent).not.to.contain('Burst');
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('announces in Chinese when the page is in Chinese', async () => {
    await setLocale('zh-Hans');
    const { r, el } = await loaded([{ text: '第一条' }]);
    await r.add({ text: '新的', n: 2 });
    await showing(el, ['新的 2', '新的 1', '第一条']);
    await until(() => liveRegion(el).textContent === '2条新留言', 'zh-Hans summary');
    await r.add({ text: '再来一条' });
    await until(() => liveRegion(el).textContent === '1条新留言', 'zh-Hans one');
  });

  it('removes a withdrawn quote and shows a changed one in place', async () => {
    const { r, el } = await loaded([
      { text: 'Keep' },
      { text: 'Withdraw me' },
      { text: 'Edit me' },
    ]);
    // Ids are q1, q2, q3 in the order added.
    await r.call('remove?id=q2');
    await showing(el, ['Edit me', 'Keep']);
    await r.call(`edit?id=q3&text=${encodeURIComponent('Edited')}`);
    await showing(el, ['Edited', 'Keep']);
  });

  it('puts featured quotes first, live, and back in their place when unfeatured', async () => {
    const { r, el } = await loaded([{ text: 'Oldest' }, { text: 'Middle' }, { text: 'Newest' }]);
    await r.call('edit?id=q1&featured=1');
    await showing(el, ['Oldest', 'Newest', 'Middle']);
    await r.call('edit?id=q2&featured=1');
    await showing(el, ['Middle', 'Oldest', 'Newest']);
    await r.call('edit?id=q1&featured=0');
    await r.call('edit?id=q2&featured=0');
    await showing(el, ['Newest', 'Middle', 'Oldest']);
  });

  it('holds arrivals behind an "N new quotes" button while the reader is inside the wall', async () => {
    const { r, el } = await loaded([{ text: 'Old' }]);
    // Focus inside the wall: the reader is reading.
    button(el, /Pause/)!.focus();
    await r.add({ text: 'New', n: 2 });
    const more = await (async () => {
      await until(() => !!button(el, /new quotes/), 'the new-quotes button');
      return button(el, /new quotes/)!;
    })();
    expect(more.textContent.trim()).to.equal('2 new quotes');
    expect(texts(el)).to.deep.equal(['Old']);
    await r.add({ text: 'Third' });
    await until(() => button(el, /new quotes/)?.textContent?.trim() === '3 new quotes', '3 new');
    // A withdrawn waiting quote leaves the count.
    await r.call('remove?id=q4');
    await until(() => button(el, /new quote/)?.textContent?.trim() === '2 new quotes', '2 new');
    expect(texts(el)).to.deep.equal(['Old']);
    await settled(el);
    await expect(el).to.be.accessible();
    more.click();
    await showing(el, ['New 2', 'New 1', 'Old']);
    expect(button(el, /new quote/)).to.equal(undefined);
    // Focus moves to the first quote, not to the top of the page.
    await until(() => el.shadowRoot!.activeElement === $(el, 'li'), 'focus on the first quote');
  });

  it('holds arrivals while the reader has scrolled into the wall', async () => {
    const r = room();
    await r.add({ text: 'Tall', n: 20 });
    const el = await wallFor(r.api, { maxItems: '20' });
    el.style.display = 'block';
    await until(() => texts(el).length === 20 && el.live.status === 'live', 'loaded');
    const spacer = document.createElement('div');
    spacer.style.height = '200vh';
    el.after(spacer);
    window.scrollTo(0, el.offsetTop + 100);
    await until(() => el.getBoundingClientRect().top < 0, 'scrolled into the wall');
    const before = texts(el);
    await r.add({ text: 'While reading' });
    await until(() => button(el, /1 new quote/) !== undefined, 'queued');
    expect(texts(el)).to.deep.equal(before);
    // Scrolled back above the wall: the next arrival brings both in.
    window.scrollTo(0, 0);
    await r.add({ text: 'After' });
    await until(() => texts(el)[0] === 'After' && texts(el)[1] === 'While reading', 'released');
    expect(texts(el).length).to.equal(20);
    spacer.remove();
  });

  it('pauses and resumes with a visible button, holding arrivals while paused', async () => {
    const { r, el } = await loaded([{ text: 'One' }]);
    const pause = button(el, /^\s*Pause\s*$/)!;
    expect(pause).to.exist;
    pause.click();
    await el.updateComplete;
    expect(el.paused).to.equal(true);
    expect(el.hasAttribute('paused')).to.equal(true);
    expect(button(el, /Resume/)).to.exist;
    (document.activeElement as HTMLElement | null)?.blur();
    await r.add({ text: 'Two' });
    await until(() => !!button(el, /1 new quote/), 'held while paused');
    expect(texts(el)).to.deep.equal(['One']);
    button(el, /Resume/)!.click();
    (document.activeElement as HTMLElement | null)?.blur();
    await r.add({ text: 'Three' });
    await showing(el, ['Three', 'Two', 'One']);
  });

  it('keeps at most max-items quotes in the page, whatever the stream delivers', async () => {
    const { r, el } = await loaded([{ text: 'Old', n: 5 }], { maxItems: '3' });
    expect(texts(el)).to.deep.equal(['Old 5', 'Old 4', 'Old 3']);
    await r.add({ text: 'New', n: 30 });
    await until(() => texts(el)[0] === 'New 30', 'newest on top');
    expect(texts(el)).to.deep.equal(['New 30', 'New 29', 'New 28']);
    expect(el.shadowRoot!.querySelectorAll('li').length).to.equal(3);
    expect(el.live.feed!.items.length).to.equal(3);
  });

  it('pages through every older quote with "Show more", each exactly once', async () => {
    const { r, el } = await loaded([{ text: 'A', n: 9 }], { maxItems: '4' });
    // New quotes push the oldest shown ones out; "Show more" must still reach them.
    await r.add({ text: 'B', n: 3 });
    await until(() => texts(el)[0] === 'B 3', 'arrivals');
    const all = [
      'B 3',
      'B 2',
      'B 1',
      'A 9',
      'A 8',
      'A 7',
      'A 6',
      'A 5',
      'A 4',
      'A 3',
      'A 2',
      'A 1',
    ];
    for (let i = 0; i < 6 && button(el, /Show more/); i++) {
      const n = texts(el).length;
      button(el, /Show more/)!.click();
      await until(() => texts(el).length > n || !button(el, /Show more/), 'a page more');
    }
    expect(texts(el)).to.deep.equal(all);
    expect(button(el, /Show more/)).to.equal(undefined);
    // "N new quotes" returns to the newest and the page budget.
    (document.activeElement as HTMLElement | null)?.blur();
    await r.add({ text: 'C' });
    await until(() => texts(el)[0] === 'C', 'arrival after paging');
  });

  it('shows an error next to "Show more" when the older page cannot be read', async () => {
    const { r, el } = await loaded([{ text: 'A', n: 5 }], { maxItems: '2' });
    await r.call('slow?ms=0');
    // The API goes away: the next page fails with a network error.
    el.live.feed!.client.listQuotes = () =>
      Promise.reject(Object.assign(new Error('x'), { code: 'network' }));
    button(el, /Show more/)!.click();
    await until(() => !!$(el, '[role="alert"]'), 'error shown');
    expect($(el, '[role="alert"]')!.textContent).to.match(/offline|could not be reached/);
    expect(texts(el)).to.deep.equal(['A 5', 'A 4']);
  });

  it('says so when there are no quotes yet, and fills in live', async () => {
    const r = room();
    const el = await wallFor(r.api);
    await until(() => el.live.status === 'live', 'live');
    expect($(el, 'p')!.textContent).to.equal('No quotes yet.');
    await settled(el);
    await expect(el).to.be.accessible();
    await r.add({ text: 'The first' });
    await showing(el, ['The first']);
  });

  it('keeps its slotted fallback on screen until the first page arrives', async () => {
    const r = room();
    await r.add({ text: 'First' });
    await r.call('slow?ms=400');
    const el = await fixture<CampaignQuoteWall>(
      html`<campaign-quote-wall api=${r.api} campaign="demo"
        ><a href="/quotes">Read the quotes</a></campaign-quote-wall
      >`,
    );
    // Loading: the fallback link is slotted and laid out, so the wall holds its height.
    const slot = $<HTMLSlotElement>(el, 'slot');
    expect(slot).to.exist;
    expect(slot!.assignedElements()[0].getBoundingClientRect().height).to.be.greaterThan(0);
    expect(texts(el)).to.deep.equal([]);
    await showing(el, ['First']);
    expect($(el, 'slot')).to.equal(null);
  });

  it('shows its slotted fallback without an API, or when the first page cannot be read', async () => {
    const bare = await fixture<CampaignQuoteWall>(
      html`<campaign-quote-wall><a href="/quotes">Read the quotes</a></campaign-quote-wall>`,
    );
    expect($(bare, 'slot')).to.exist;
    expect(bare.live.status).to.equal('offline');
    await settled(bare);
    await expect(bare).to.be.accessible();
    // An API whose every answer is a 500 (the rest of the path lands in the query).
    const failing = `${location.origin}/__test/status?status=500&x=`;
    const el = await fixture<CampaignQuoteWall>(
      html`<campaign-quote-wall api=${failing} campaign="demo"
        ><a href="/quotes">Read the quotes</a></campaign-quote-wall
      >`,
    );
    await until(() => el.live.status === 'offline', 'offline');
    expect($(el, 'slot')).to.exist;
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('shows the live status in a polite region, fires campaign-live-status, and can hide it', async () => {
    const r = room();
    const seen: string[] = [];
    const listen = (e: Event) => seen.push((e as CustomEvent<{ status: string }>).detail.status);
    document.addEventListener('campaign-live-status', listen);
    const el = await wallFor(r.api);
    await until(() => statusText(el) === 'Live', 'Live');
    document.removeEventListener('campaign-live-status', listen);
    expect(seen).to.deep.equal(['live']);
    expect($(el, '[part="status"]')!.getAttribute('aria-live')).to.equal('polite');
    const hidden = await wallFor(r.api, { hideStatus: true });
    await until(() => hidden.live.status === 'live', 'hidden live');
    expect($(hidden, '[part="status"]')).to.equal(null);
  });

  it('treats bad attribute values as the defaults', async () => {
    const r = room();
    await r.add({ text: 'Q', n: 30 });
    for (const maxItems of ['0', '-3', 'abc', '']) {
      const el = await wallFor(r.api, { maxItems });
      await until(() => texts(el).length > 0, `loaded with max-items=${maxItems}`);
      expect(texts(el).length, `max-items="${maxItems}"`).to.equal(24);
    }
    const huge = await wallFor(r.api, { maxItems: '1e9' });
    expect(huge.need).to.equal(1000);
    const bogus = await wallFor(r.api, { layout: 'carousel' });
    await until(() => texts(bogus).length > 0, 'loaded');
    expect($(bogus, '.grid')).to.exist;
    expect(warnings.some((w) => /unknown layout "carousel"/.test(String(w[0])))).to.equal(true);
    warnings = warnings.filter((w) => !/carousel/.test(String(w[0])));
  });

  it('offers every layout with a pause control', async () => {
    const r = room();
    await r.add({ text: 'Q', n: 3 });
    for (const layout of QUOTE_WALL_LAYOUTS) {
      const el = await wallFor(r.api, { layout });
      await until(() => texts(el).length > 0, `${layout} loaded`);
      expect(el.getAttribute('layout')).to.equal(layout);
      expect(button(el, /Pause/), `${layout} pause`).to.exist;
      expect(texts(el).length).to.equal(layout === 'spotlight' ? 1 : 3);
      await settled(el);
      await expect(el).to.be.accessible();
    }
  });

  it('wraps long unbroken words and names at 320 px: nothing sticks out of the wall', async () => {
    const word = 'Chongqing'.repeat(112).slice(0, 1000);
    const name = 'Zhangsanfeng'.repeat(5);
    const url = `https://news.example.org/${'spirit-of-chongqing/'.repeat(15)}`;
    const r = room();
    await r.add({ text: '山城的夜景是全世界最美的'.repeat(20), lang: 'zh-Hans', name });
    await r.add({ text: url, name: '重'.repeat(60) });
    await r.add({ text: word, name });
    for (const layout of ['grid', 'spotlight']) {
      const el = await wallFor(r.api, { layout });
      el.style.width = '320px';
      await until(() => texts(el).length === (layout === 'grid' ? 3 : 1), `${layout} loaded`);
      await settled(el);
      const box = el.getBoundingClientRect();
      expect(box.width).to.equal(320);
      expect(el.scrollWidth, `${layout}: the wall scrolls sideways`).to.be.at.most(el.clientWidth);
      for (const quote of el.shadowRoot!.querySelectorAll('figure')) {
        const card = quote.getBoundingClientRect();
        expect(card.left, `${layout}: quote card left edge`).to.be.at.least(box.left - 0.5);
        expect(card.right, `${layout}: quote card right edge`).to.be.at.most(box.right + 0.5);
        expect(quote.scrollWidth, `${layout}: text sticks out of its card`).to.be.at.most(
          quote.clientWidth,
        );
        for (const part of quote.querySelectorAll('blockquote, b, span, time')) {
          const rect = part.getBoundingClientRect();
          expect(rect.right, `${layout}: <${part.localName}> ends outside its card`).to.be.at.most(
            card.right + 0.5,
          );
        }
      }
      // The whole name and the whole word are there, wrapped, not cut.
      expect($(el, 'b')!.textContent).to.equal(name);
      expect(texts(el)[0]).to.equal(word);
    }
  });

  it('moves the ticker, takes arrivals between runs and pauses on request', async () => {
    const { r, el } = await loaded([{ text: 'T', n: 3 }], { layout: 'ticker' });
    const list = $(el, 'ul')!;
    expect(getComputedStyle(list).animationName).to.equal('tick');
    // A moving ticker takes arrivals in between two runs, never mid-line.
    await r.add({ text: 'Mid-run' });
    await until(() => !!button(el, /1 new quote/), 'held while moving');
    expect(texts(el)).to.deep.equal(['T 3', 'T 2', 'T 1']);
    list.dispatchEvent(new AnimationEvent('animationiteration', { bubbles: true }));
    await showing(el, ['Mid-run', 'T 3', 'T 2', 'T 1']);
    // Paused: the line stops where it is.
    button(el, /Pause/)!.click();
    await el.updateComplete;
    expect(getComputedStyle($(el, 'ul')!).animationPlayState).to.equal('paused');
    button(el, /Resume/)!.click();
    await el.updateComplete;
    expect(getComputedStyle($(el, 'ul')!).animationPlayState).to.equal('running');
  });

  it('does not move the ticker under prefers-reduced-motion', async function () {
    // Media emulation needs the Chrome DevTools Protocol, which only Chromium's launcher
    // has here: Firefox and WebKit report this test as skipped, not passed.
    if (!/Chrome\//.test(navigator.userAgent)) this.skip();
    const { r, el } = await loaded([{ text: 'T', n: 3 }], { layout: 'ticker' });
    expect(getComputedStyle($(el, 'ul')!).animationName).to.equal('tick');
    emulated = true;
    await emulateMedia({ reducedMotion: 'reduce' });
    await el.updateComplete;
    expect(getComputedStyle($(el, 'ul')!).animationName).to.equal('none');
    // Without motion, arrivals come in at once and the line scrolls by hand (keyboard too).
    (document.activeElement as HTMLElement | null)?.blur();
    await r.add({ text: 'Still' });
    await until(() => texts(el)[0] === 'Still', 'arrival without motion');
    expect($(el, 'ul')!.tabIndex).to.equal(0);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('turns the spotlight every interval without moving the quote on show', async () => {
    const { r, el } = await loaded([{ text: 'S', n: 3 }], { layout: 'spotlight', interval: '1' });
    expect(texts(el)).to.deep.equal(['S 3']);
    // An arrival does not replace the quote being read.
    await r.add({ text: 'Newer' });
    await until(() => el.live.feed!.items.length === 4, 'arrived');
    await el.updateComplete;
    expect(texts(el)).to.deep.equal(['S 3']);
    await until(() => texts(el)[0] === 'S 2', 'turned to the next', 3000);
    button(el, /Pause/)!.click();
    await el.updateComplete;
    expect(el.paused).to.equal(true);
  });
  it('lets each card keep its own height, in columns read top to bottom, then left to right', async () => {
    const long =
      'The stairs from the river to the old market take an hour, and every step has a story. '.repeat(
        4,
      );
    const { el } = await loaded([
      { text: 'Short.' },
      { text: long },
      { text: 'Hot pot.' },
      { text: long },
      { text: 'Yes.' },
      { text: long },
      { text: 'Mountain city.' },
      { text: 'Warm people.', name: 'Zhang Wei from the lanes above the river' },
    ]);
    el.style.width = '1248px';
    await el.updateComplete;
    await settled(el);
    const items = [...el.shadowRoot!.querySelectorAll('li')];
    const boxes = items.map((li) => li.getBoundingClientRect());
    const columns = new Set(boxes.map((b) => Math.round(b.left)));
    expect(columns.size, 'several columns at 1248 px').to.be.at.least(3);
    // Page order (what screen readers and the keyboard follow) is the order on screen:
    // down each column, then on to the next one.
    for (let i = 1; i < boxes.length; i++) {
      const [before, box] = [boxes[i - 1], boxes[i]];
      if (Math.round(box.left) === Math.round(before.left)) {
        expect(box.top, `quote ${i} sits below quote ${i - 1}`).to.be.above(before.bottom - 1);
      } else {
        expect(box.left, `quote ${i} starts the next column`).to.be.above(before.left);
      }
    }
    const reports = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="report"]')];
    expect(reports.map((b) => b.closest('li'))).to.deep.equal(items);
    // No card is stretched to its neighbour's height: a short quote's card is short.
    const figures = items.map((li) => li.querySelector('figure')!);
    const content = (f: HTMLElement) =>
      f.querySelector('figcaption')!.getBoundingClientRect().bottom -
      f.querySelector('blockquote')!.getBoundingClientRect().top;
    for (const f of figures) {
      const padding = parseFloat(getComputedStyle(f).paddingBottom);
      const box = f.getBoundingClientRect();
      expect(box.height).to.be.closeTo(content(f) + 2 * padding + 2, 2);
      // The Report action (floated to the line's end) is held by its caption, so it stays
      // inside the card when it wraps onto a line of its own.
      const report = f.querySelector('[part="report"]')!.getBoundingClientRect();
      const caption = f.querySelector('figcaption')!.getBoundingClientRect();
      expect(report.bottom, 'Report inside its caption').to.be.at.most(caption.bottom + 0.5);
      expect(caption.bottom, 'caption inside its card').to.be.at.most(box.bottom - padding + 1);
    }
    const heights = figures.map((f) => f.getBoundingClientRect().height);
    expect(Math.min(...heights)).to.be.below(Math.max(...heights) / 2);
    await expect(el).to.be.accessible();
  });

  it('writes an older quote’s date as the story teasers do, from the same formatter', async () => {
    const at = '2024-03-24T04:00:00.000Z';
    const { el } = await loaded([{ text: 'Two years on', at }]);
    const teaser = await fixture<HTMLElement>(
      html`<campaign-story-teaser
        href="#s"
        headline="H"
        date="2024-03-24"
      ></campaign-story-teaser>`,
    );
    const wallDate = () => $(el, 'time')!.textContent.trim();
    const teaserDate = () => teaser.shadowRoot!.querySelector('time')!.textContent.trim();
    expect(wallDate()).to.equal('24 March 2024');
    expect(wallDate()).to.equal(formatDate(at, 'en'));
    expect(teaserDate()).to.equal(wallDate());
    await setLocale('zh-Hans');
    await until(() => wallDate() === '2024年3月24日', 'zh-Hans date on the wall');
    await until(() => teaserDate() === '2024年3月24日', 'zh-Hans date on the teaser');
    // Within the week, times stay relative.
    const { el: recent } = await loaded([
      { text: 'Yesterday', at: new Date(Date.now() - 26 * 3600_000).toISOString() },
    ]);
    expect($(recent, 'time')!.textContent.trim()).to.equal('昨天');
  });

  it('shows live, reconnecting, paused and offline each with its own word and mark, announced politely', async () => {
    const { r, el } = await loaded([{ text: 'One' }]);
    const status = $(el, '[part="status"]')!;
    const mark = () => {
      const s = getComputedStyle($(el, '[part="status"]')!, '::before');
      return s.content;
    };
    const seen: Record<string, string> = {};
    const state = async (word: string) => {
      await until(() => statusText(el) === word, word);
      // One polite region for every state (the same element, so each change is read out).
      expect($(el, '[part="status"]'), `${word}: same region`).to.equal(status);
      expect(status.getAttribute('aria-live')).to.equal('polite');
      expect(status.getAttribute('role')).to.equal(null);
      seen[word] = mark();
    };
    await state('Live');
    expect(status.className).to.equal('live');
    await r.call('refuse?on=1');
    await r.call('drop');
    await state('Reconnecting…');
    await r.call('refuse?on=0');
    await state('Live');
    button(el, /Pause/)!.click();
    await state('Paused');
    await settled(el);
    await expect(el).to.be.accessible();
    await setLocale('zh-Hans');
    await state('已暂停');
    await setLocale('en');
    button(el, /Resume/)!.click();
    await state('Live');
    // Not by colour alone: every state has a mark of its own shape.
    const marks = ['Live', 'Reconnecting…', 'Paused'].map((w) => seen[w]);
    expect(new Set(marks).size, JSON.stringify(seen)).to.equal(3);
    expect(marks.every((m) => m && m !== 'none' && m !== 'normal')).to.equal(true);
  });
});
