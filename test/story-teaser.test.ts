import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/define.js';
import { setLocale } from '../src/i18n/locale.js';
import { TEASER_LAYOUTS } from '../src/story-teaser/story-teaser.js';
import type { CampaignStoryTeaser } from '../src/story-teaser/story-teaser.js';
import type { CampaignPhoto } from '../src/photo/photo.js';
import {
  CAMPAIGN,
  apiUrl,
  captureWarnings,
  failingApi,
  recordFetches,
  slowApi,
  watchLayoutShift,
} from './support/content.js';

const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);
const part = (el: Element, name: string) =>
  $(el, `[part~="${name}"]`)?.textContent?.trim().replace(/\s+/g, ' ');
const photoOf = (el: Element) => $<HTMLElement>(el, 'campaign-photo');
const photoImg = (el: Element) =>
  photoOf(el)?.shadowRoot?.querySelector<HTMLImageElement>('img[part="image"]') ?? null;

function attributeTeaser(extra: Partial<Record<string, string>> = {}) {
  return fixture<CampaignStoryTeaser>(html`
    <campaign-story-teaser
      href=${extra.href ?? '#story-spirit'}
      target=${extra.target ?? ''}
      layout=${extra.layout ?? 'card'}
      headline="Cultivating the Essence to Refine the ‘Spirit of Chongqing City’"
      byline="XINYI LI"
      date=${extra.date ?? '2024-03-24'}
      excerpt="A campaign asks what holds the mountain city together."
      src=${PIXEL}
      alt="The Grand Theater at night"
      photographer="Long Fan"
      organization="Visual Chongqing"
    ></campaign-story-teaser>
  `);
}

describe('<campaign-story-teaser>', () => {
  let console_: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    console_ = captureWarnings();
  });

  afterEach(async () => {
    console_.restore();
    await setLocale(undefined);
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    expect(console_.lit(), 'Lit development warnings').to.deep.equal([]);
  });

  describe('from attributes', () => {
    it('is one link to the story with headline, byline, localized date, excerpt and credited image', async () => {
      const el = await attributeTeaser();
      const links = el.shadowRoot!.querySelectorAll('a, button, [tabindex]');
      expect(links, 'exactly one interactive element').to.have.length(1);
      const link = links[0] as HTMLAnchorElement;
      expect(link.getAttribute('part')).to.equal('link');
      expect(link.getAttribute('href')).to.equal('#story-spirit');
      expect(link.textContent).to.equal(
        'Cultivating the Essence to Refine the ‘Spirit of Chongqing City’',
      );
      expect(link.closest('[part="headline"]')).to.exist;
      expect(part(el, 'byline')).to.equal('XINYI LI 24 March 2024');
      const time = $(el, 'time[part="date"]')!;
      expect(time.getAttribute('datetime')).to.equal('2024-03-24T00:00:00.000Z');
      expect(time.textContent.trim()).to.equal('24 March 2024');
      expect(part(el, 'excerpt')).to.equal(
        'A campaign asks what holds the mountain city together.',
      );
      // The lead image is a <campaign-photo> with its credit and no caption, nothing focusable.
      const photo = photoOf(el)!;
      await (photo as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      expect(photo.shadowRoot!.querySelector('[part="credit"]')!.textContent).to.equal(
        'Photo/Long Fan from Visual Chongqing',
      );
      expect(photo.shadowRoot!.querySelector('[part="caption"]')).to.equal(null);
      expect(photo.shadowRoot!.querySelectorAll('a, button')).to.have.length(0);
      // The link covers the whole card.
      const card = $(el, '[part="card"]')!.getBoundingClientRect();
      const cover = getComputedStyle(link, '::after');
      expect(cover.position).to.equal('absolute');
      const hit = el.shadowRoot!.elementFromPoint(card.left + 10, card.top + 10);
      expect(hit, 'the link covers the card').to.equal(link);
      await expect(el).to.be.accessible();
    });

    it('honours target and writes the date in Chinese through Intl', async () => {
      await setLocale('zh-Hans');
      const el = await attributeTeaser({ target: '_blank' });
      expect($(el, 'a')!.getAttribute('target')).to.equal('_blank');
      expect($(el, 'time')!.textContent.trim()).to.equal('2024年3月24日');
      await setLocale('en');
      await el.updateComplete;
      expect($(el, 'time')!.textContent.trim()).to.equal('24 March 2024');
    });

    it('leaves out a date it cannot read, and keeps a link without a headline', async () => {
      const el = await fixture<CampaignStoryTeaser>(html`
        <campaign-story-teaser
          href="#story-x"
          date="not a date"
          byline="iChongqing"
        ></campaign-story-teaser>
      `);
      expect($(el, 'time')).to.equal(null);
      expect(part(el, 'byline')).to.equal('iChongqing');
      expect($(el, 'a')!.textContent.trim()).to.equal('Read the story');
      await expect(el).to.be.accessible();
    });

    for (const layout of TEASER_LAYOUTS) {
      it(`lays out as ${layout}`, async () => {
        const el = await attributeTeaser({ layout });
        expect(el.getAttribute('layout')).to.equal(layout);
        const card = getComputedStyle($(el, '.card')!);
        expect(card.display).to.equal(layout === 'horizontal' ? 'grid' : 'block');
        // Compact: headline and date only.
        expect(!!photoOf(el)).to.equal(layout !== 'compact');
        expect(!!$(el, '[part="excerpt"]')).to.equal(layout !== 'compact');
        await expect(el).to.be.accessible();
      });
    }

    it('leaves no hole under a short headline, and keeps every card the same size', async () => {
      const headlines = [
        'Hot pot',
        'What holds the mountain city together',
        'Cultivating the Essence to Refine the ‘Spirit of Chongqing City’ through Ninety Years of Its Stairs',
      ];
      // The last card has every block at its tallest (headline and excerpt clamped to
      // three lines): it is no taller than the others.
      const excerpt = 'Old lanes and new towers, two rivers and a thousand stairs. '.repeat(4);
      const el = await fixture<HTMLElement>(html`
        <div style="width: 300px; font: 16px/1.5 sans-serif">
          ${headlines.map(
            (headline, i) =>
              html`<campaign-story-teaser
                href="#story"
                headline=${headline}
                byline="XINYI LI"
                date="2024-03-24"
                excerpt=${i === 2 ? excerpt : 'A campaign asks.'}
                src=${PIXEL}
                alt=""
              ></campaign-story-teaser>`,
          )}
        </div>
      `);
      const teasers = [...el.querySelectorAll('campaign-story-teaser')];
      await Promise.all(teasers.map((t) => t.updateComplete));
      const measured = teasers.map((t) => {
        const headline = $(t, '.headline')!;
        const box = headline.getBoundingClientRect();
        // The last line shown (a longer headline is clamped to three, with an ellipsis).
        const last = Math.min(box.bottom, [...$(t, 'a')!.getClientRects()].at(-1)!.bottom);
        return {
          lines: Math.round((last - box.top) / parseFloat(getComputedStyle(headline).lineHeight)),
          // From the headline's last line to the byline: the same whatever the headline's length.
          gap: $(t, '.byline')!.getBoundingClientRect().top - last,
          card: $(t, '.card')!.getBoundingClientRect().height,
        };
      });
      expect(measured.map((m) => m.lines)).to.deep.equal([1, 2, 3]);
      const [one, two, three] = measured;
      expect(Math.abs(one.gap - two.gap), `gaps ${one.gap} / ${two.gap}`).to.be.at.most(3);
      expect(Math.abs(one.gap - three.gap), `gaps ${one.gap} / ${three.gap}`).to.be.at.most(3);
      expect(one.gap).to.be.below(12);
      // The space is reserved below the excerpt: every card has the same height.
      expect(Math.abs(one.card - three.card)).to.be.at.most(1);
      expect(Math.abs(two.card - three.card)).to.be.at.most(1);
    });

    it('shows an unknown layout as a card', async () => {
      const el = await attributeTeaser({ layout: 'mosaic' });
      expect(getComputedStyle($(el, '.card')!).display).to.equal('block');
      expect(photoOf(el)).to.exist;
    });
  });

  describe('campaign-story-open', () => {
    it('fires with the story id and href when the reader opens the story', async () => {
      const el = await attributeTeaser();
      el.story = 'spirit-of-chongqing-city';
      el.api = failingApi.network; // only the event matters here
      await el.updateComplete;
      const event = oneEvent(el, 'campaign-story-open');
      $(el, 'a')!.click();
      const { detail, cancelable, bubbles, composed } = await event;
      expect(detail).to.deep.equal({
        id: 'spirit-of-chongqing-city',
        href: new URL('#story-spirit', location.href).href,
      });
      expect([cancelable, bubbles, composed]).to.deep.equal([true, true, true]);
      await waitUntil(() => location.hash === '#story-spirit', 'the link did not navigate');
    });

    it('opens from the keyboard too, and a partner can veto the navigation', async () => {
      const el = await attributeTeaser({ href: '#vetoed' });
      const seen: string[] = [];
      el.addEventListener('campaign-story-open', (e) => {
        seen.push(e.detail.href);
        e.preventDefault();
      });
      $(el, 'a')!.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => seen.length === 1, 'no event on Enter');
      expect(seen[0]).to.match(/#vetoed$/);
      expect(location.hash, 'navigation vetoed').to.equal('');
    });

    it('fires for the partner’s fallback link as well', async () => {
      const el = await fixture<CampaignStoryTeaser>(html`
        <campaign-story-teaser story="gone" api=${failingApi.network} campaign=${CAMPAIGN}
          ><a href="#fallback">Spirit of Chongqing City</a></campaign-story-teaser
        >
      `);
      const event = oneEvent(el, 'campaign-story-open');
      el.querySelector('a')!.click();
      const { detail } = await event;
      expect(detail).to.deep.equal({ id: 'gone', href: new URL('#fallback', location.href).href });
    });
  });

  describe('from the campaign API', () => {
    it('shows the story with its lead photo and credit, in the reader’s language', async () => {
      const api = await apiUrl();
      const el = await fixture<CampaignStoryTeaser>(html`
        <campaign-story-teaser
          api=${api}
          campaign=${CAMPAIGN}
          story="spirit-of-chongqing-city"
        ></campaign-story-teaser>
      `);
      await waitUntil(() => $(el, 'a'), 'story never shown');
      expect($(el, 'a')!.textContent).to.equal(
        "Cultivating the Essence to Refine the 'Spirit of Chongqing City'",
      );
      expect($<HTMLAnchorElement>(el, 'a')!.href).to.equal(
        `${api}/stories/spirit-of-chongqing-city`,
      );
      expect(part(el, 'byline')).to.equal('XINYI LI 24 March 2024');
      expect($(el, 'time')!.getAttribute('datetime')).to.equal('2024-03-24T08:00:00.000Z');
      expect(part(el, 'excerpt')).to.match(/^Old lanes and new towers/);
      await waitUntil(() => photoImg(el), 'lead photo never shown');
      expect(photoImg(el)!.src).to.contain('/photos/grand-theater-night/');
      const credit = () => photoOf(el)!.shadowRoot!.querySelector('[part="credit"]')?.textContent;
      expect(credit()).to.equal('Photo/Long Fan from Visual Chongqing');
      await expect(el).to.be.accessible();

      await setLocale('zh-Hans');
      await waitUntil(() => $(el, 'a')?.textContent === '涵养城市精髓 提炼“重庆城市精神”', 'zh');
      await waitUntil(() => credit() === '视觉重庆 Long Fan 摄', 'zh credit');
      expect($(el, 'time')!.textContent.trim()).to.equal('2024年3月24日');
      await expect(el).to.be.accessible();
    });

    it('shows the partner’s link in a skeleton of the final size while loading', async () => {
      const el = fixtureSync<CampaignStoryTeaser>(html`
        <campaign-story-teaser
          api=${slowApi(3000)}
          campaign=${CAMPAIGN}
          story="spirit-of-chongqing-city"
          ><a href="#story">Spirit of Chongqing City</a></campaign-story-teaser
        >
      `);
      await el.updateComplete;
      expect($(el, '[part="card"]')!.getAttribute('aria-busy')).to.equal('true');
      const slot = $<HTMLSlotElement>(el, '[part="headline"] slot')!;
      expect(slot.assignedElements()[0].textContent).to.equal('Spirit of Chongqing City');
      expect($(el, '.byline')!.classList.contains('skeleton')).to.equal(true);
      expect($(el, '.excerpt')!.classList.contains('skeleton')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('does not move the page while the API answers and the image loads', async () => {
      const api = await apiUrl();
      const start = performance.now();
      const el = fixtureSync<HTMLElement>(html`
        <div style="width: 360px">
          <campaign-story-teaser api=${api} campaign=${CAMPAIGN} story="spirit-of-chongqing-city"
            ><a href="#story">Spirit of Chongqing City</a></campaign-story-teaser
          >
          <p id="after">Text after the teaser.</p>
        </div>
      `);
      const teaser = el.querySelector('campaign-story-teaser')!;
      await teaser.updateComplete;
      expect($(teaser, '[part="headline"] slot'), 'first render shows the fallback').to.exist;
      const shift = watchLayoutShift(el.querySelector('#after')!, start);
      await waitUntil(() => photoImg(teaser)?.classList.contains('ok'), 'image never loaded', {
        timeout: 8000,
      });
      expect($(teaser, 'a')!.textContent).to.match(/^Cultivating/);
      await shift.expectNone();
    });

    it('keeps the link with a short message when the API fails, and fires campaign-error', async () => {
      const api = await apiUrl();
      const el = document.createElement('campaign-story-teaser');
      Object.assign(el, { api, campaign: CAMPAIGN, story: 'no-such-story' });
      el.innerHTML = '<a href="#story">Spirit of Chongqing City</a>';
      const failed = oneEvent(el, 'campaign-error');
      await fixture(html`<div>${el}</div>`);
      const { detail } = await failed;
      expect([detail.code, detail.status]).to.deep.equal(['not_found', 404]);
      await el.updateComplete;
      expect($<HTMLSlotElement>(el, '[part="headline"] slot')!.assignedElements()).to.have.length(
        1,
      );
      expect(part(el, 'excerpt')).to.equal('The story preview could not be loaded.');
      await expect(el).to.be.accessible();
      // A new language asks again, and fails again, in Chinese.
      await setLocale('zh-Hans');
      await waitUntil(() => part(el, 'excerpt') === '暂时无法加载报道预览。', 'Chinese message');
    });

    it('falls back to its attributes when the API fails', async () => {
      const el = await fixture<CampaignStoryTeaser>(html`
        <campaign-story-teaser
          api=${failingApi.unavailable}
          campaign=${CAMPAIGN}
          story="spirit-of-chongqing-city"
          href="#own"
          headline="Our own headline"
        ></campaign-story-teaser>
      `);
      await waitUntil(() => !$(el, '[part="card"]')!.hasAttribute('aria-busy'), 'settled');
      expect($(el, 'a')!.textContent).to.equal('Our own headline');
      expect(part(el, 'excerpt')).to.equal('');
    });

    it('treats an answer that is not a story as a failure', async () => {
      const el = document.createElement('campaign-story-teaser');
      Object.assign(el, { api: failingApi.wrongShape, campaign: CAMPAIGN, story: 'x' });
      const failed = oneEvent(el, 'campaign-error');
      await fixture(html`<div>${el}</div>`);
      expect((await failed).detail.code).to.equal('parse');
    });

    it('shows its photo from the story’s answer: one request, no second for the photo', async () => {
      const api = await apiUrl();
      const fetches = recordFetches();
      try {
        const el = await fixture<CampaignStoryTeaser>(html`
          <campaign-story-teaser
            api=${api}
            campaign=${CAMPAIGN}
            story="a-tour-in-chongqing"
          ></campaign-story-teaser>
        `);
        await waitUntil(() => photoImg(el)?.complete && photoImg(el)!.naturalWidth, 'no photo');
        const asked = fetches.calls.map((c) => new URL(c.url).pathname);
        expect(asked).to.have.length(1);
        expect(asked[0]).to.match(/\/stories\/a-tour-in-chongqing$/);
        expect($<CampaignPhoto>(el, 'campaign-photo')!.photo).to.equal('tuanjie-village-train');
        expect(photoImg(el)!.alt).to.not.equal('');
      } finally {
        fetches.restore();
      }
    });

    for (const change of ['story', 'api', 'campaign'] as const) {
      it(`aborts the request in flight when ${change} changes, and loads the new one`, async () => {
        const api = await apiUrl();
        const fetches = recordFetches();
        try {
          const el = await fixture<CampaignStoryTeaser>(html`
            <campaign-story-teaser
              api=${slowApi()}
              campaign=${CAMPAIGN}
              story="a-tour-in-chongqing"
            ></campaign-story-teaser>
          `);
          await waitUntil(() => fetches.calls.length === 1, 'first request');
          const first = fetches.calls[0];
          if (change === 'story') el.story = 'a-land-of-natural-beauty';
          if (change === 'campaign') el.campaign = 'another-campaign';
          if (change === 'api') el.api = api;
          await waitUntil(() => first.signal!.aborted, 'first request not aborted');
          expect(decodeURIComponent(fetches.calls[1].url)).to.contain(
            {
              story: '/stories/a-land-of-natural-beauty',
              campaign: '/another-campaign/',
              api,
            }[change],
          );
          el.api = api;
          el.campaign = CAMPAIGN;
          await waitUntil(() => $(el, 'a'), 'new story never shown');
          expect($(el, 'a')!.textContent).to.equal(
            change === 'story'
              ? 'A Land of Natural Beauty, A City with Cultural Appeal'
              : 'A Tour in Chongqing, A Gain in Vision',
          );
        } finally {
          fetches.restore();
        }
      });
    }

    it('aborts the request when removed, and loads again when put back', async () => {
      const fetches = recordFetches();
      try {
        const el = await fixture<CampaignStoryTeaser>(html`
          <campaign-story-teaser
            api=${slowApi()}
            campaign=${CAMPAIGN}
            story="a-tour-in-chongqing"
          ></campaign-story-teaser>
        `);
        await waitUntil(() => fetches.calls.length === 1);
        const parent = el.parentElement!;
        el.remove();
        expect(fetches.calls[0].signal!.aborted, 'request left running').to.equal(true);
        el.api = await apiUrl();
        parent.append(el);
        await waitUntil(() => $(el, 'a'), 'story not loaded after re-attaching');
        expect($(el, 'a')!.textContent).to.equal('A Tour in Chongqing, A Gain in Vision');
      } finally {
        fetches.restore();
      }
    });
  });
});
