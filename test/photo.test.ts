import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/define.js';
import { setLocale } from '../src/i18n/locale.js';
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

// A tiny real image (1×1 PNG) and one that never loads.
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const MISSING = `${location.origin}/__test/status?status=404&image=1`;

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);
const text = (el: Element, part: string) =>
  $(el, `[part~="${part}"]`)?.textContent?.trim().replace(/\s+/g, ' ');
const img = (el: Element) => $<HTMLImageElement>(el, 'img[part="image"]');
const loaded = (el: CampaignPhoto) =>
  waitUntil(() => img(el)?.classList.contains('ok'), 'image never loaded', { timeout: 8000 });

describe('<campaign-photo>', () => {
  let console_: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    console_ = captureWarnings();
  });

  afterEach(async () => {
    console_.restore();
    await setLocale(undefined);
    expect(console_.lit(), 'Lit development warnings').to.deep.equal([]);
  });

  describe('from attributes', () => {
    it('renders a figure with the image, caption and a separate credit', async () => {
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          src=${PIXEL}
          srcset="${PIXEL} 320w, ${PIXEL} 640w"
          width="1600"
          height="1000"
          alt="The Grand Theater at night"
          caption="Chongqing Grand Theater against the night skyline."
          photographer="Long Fan"
          organization="Visual Chongqing"
          fetchpriority="high"
        ></campaign-photo>
      `);
      const image = img(el)!;
      expect($(el, 'figure')!.getAttribute('part')).to.equal('figure');
      expect(image.getAttribute('src')).to.equal(PIXEL);
      expect(image.getAttribute('srcset')).to.equal(`${PIXEL} 320w, ${PIXEL} 640w`);
      // Without `sizes`, the rendered width decides (auto), 100vw where unsupported.
      expect(image.getAttribute('sizes')).to.equal('auto, 100vw');
      expect(image.getAttribute('width')).to.equal('1600');
      expect(image.getAttribute('height')).to.equal('1000');
      expect(image.alt).to.equal('The Grand Theater at night');
      expect(image.getAttribute('loading')).to.equal('lazy');
      expect(image.getAttribute('decoding')).to.equal('async');
      expect(image.getAttribute('fetchpriority')).to.equal('high');
      expect($(el, 'figcaption [part="caption"]')!.textContent).to.equal(
        'Chongqing Grand Theater against the night skyline.',
      );
      expect($(el, 'figcaption [part="credit"]')!.textContent).to.equal(
        'Photo/Long Fan from Visual Chongqing',
      );
      await loaded(el);
      await expect(el).to.be.accessible();
    });

    it('wraps a reader’s long name in the credit and a long unbroken caption at 320 px', async () => {
      // A reader's photo is credited to the name they chose, up to 60 characters.
      const name = 'Zhangsanfeng'.repeat(5);
      const caption = 'Chongqing'.repeat(112).slice(0, 1000);
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          style="width: 320px"
          src=${PIXEL}
          width="4"
          height="3"
          alt=""
          caption=${caption}
          photographer=${name}
          organization=${'重'.repeat(60)}
        ></campaign-photo>
      `);
      const box = el.getBoundingClientRect();
      expect(box.width).to.equal(320);
      expect(el.scrollWidth, 'the photo scrolls sideways').to.be.at.most(el.clientWidth);
      for (const part of ['caption', 'credit']) {
        const rect = $(el, `[part="${part}"]`)!.getBoundingClientRect();
        expect(rect.right, `${part} ends outside the photo`).to.be.at.most(box.right + 0.5);
      }
      expect(text(el, 'credit')).to.contain(name);
    });

    it('credits a photographer without an organization, and passes sizes and eager through', async () => {
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          src=${PIXEL}
          srcset="${PIXEL} 640w"
          sizes="(min-width: 40rem) 50vw, 100vw"
          loading="eager"
          alt=""
          photographer="Long Fan"
        ></campaign-photo>
      `);
      expect(text(el, 'credit')).to.equal('Photo/Long Fan');
      expect(img(el)!.getAttribute('sizes')).to.equal('(min-width: 40rem) 50vw, 100vw');
      expect(img(el)!.getAttribute('loading')).to.equal('eager');
      // No caption given: no caption part at all.
      expect($(el, '[part="caption"]')).to.equal(null);
    });

    it('treats bad values as absent: unknown loading is lazy, a non-number size reserves nothing', async () => {
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          src=${PIXEL}
          alt="x"
          loading="sometimes"
          width="wide"
          height="0"
        ></campaign-photo>
      `);
      expect(img(el)!.getAttribute('loading')).to.equal('lazy');
      expect(img(el)!.hasAttribute('width')).to.equal(false);
      expect(getComputedStyle($(el, '.frame')!).aspectRatio).to.equal('auto');
      // Without a photographer there is no credit to show.
      expect($(el, '[part="credit"]')).to.equal(null);
    });

    it('reserves the box from width and height before the image arrives', async () => {
      const el = await fixture<CampaignPhoto>(html`
        <div style="width: 400px">
          <campaign-photo src=${slowApi(4000)} width="1600" height="1000" alt="x"></campaign-photo>
        </div>
      `);
      const photo = el.querySelector('campaign-photo')!;
      await photo.updateComplete;
      const frame = $(photo, '.frame')!.getBoundingClientRect();
      expect(frame.width).to.equal(400);
      expect(frame.height).to.equal(250);
      // The quiet placeholder shows; the unloaded image is invisible (no alt text, no icon).
      expect(getComputedStyle(img(photo)!).opacity).to.equal('0');
      expect(getComputedStyle($(photo, '.frame')!).backgroundColor).to.equal('rgb(234, 238, 242)');
    });

    it('keeps its box, caption and credit with a neutral placeholder when the image fails', async () => {
      const el = await fixture<CampaignPhoto>(html`
        <div style="width: 300px">
          <campaign-photo
            src=${MISSING}
            width="300"
            height="200"
            alt="A freight train leaving Tuanjie Village"
            caption="A freight train sets off."
            photographer="Zhang Jinhui"
            organization="Visual Chongqing"
          ></campaign-photo>
        </div>
      `);
      const photo = el.querySelector('campaign-photo')!;
      await waitUntil(() => $(photo, '.failed'), 'image failure not shown');
      expect(img(photo), 'no broken image left in the page').to.equal(null);
      const box = $(photo, '.frame')!.getBoundingClientRect();
      expect([box.width, box.height]).to.deep.equal([300, 200]);
      // The text alternative stays available.
      expect($(photo, '.failed')!.getAttribute('role')).to.equal('img');
      expect($(photo, '.failed')!.getAttribute('aria-label')).to.equal(
        'A freight train leaving Tuanjie Village',
      );
      expect(text(photo, 'caption')).to.equal('A freight train sets off.');
      expect(text(photo, 'credit')).to.equal('Photo/Zhang Jinhui from Visual Chongqing');
      await expect(photo).to.be.accessible();
    });

    it('warns once in development when alt is missing, never for alt=""', async () => {
      const src = `${PIXEL}#no-alt`;
      await fixture(html`<campaign-photo src=${src}></campaign-photo>`);
      const el = await fixture<CampaignPhoto>(html`<campaign-photo src=${src}></campaign-photo>`);
      el.caption = 'a re-render';
      await el.updateComplete;
      await fixture(html`<campaign-photo src=${`${PIXEL}#decorative`} alt=""></campaign-photo>`);
      const about = console_.warnings.filter((w) => String(w[0]).includes('alt'));
      expect(about).to.have.length(1);
      expect(String(about[0][0])).to.contain('#no-alt');
    });
  });

  describe('credit in both languages', () => {
    it('uses the campaign form in English and the newspaper form in Chinese, and follows locale changes', async () => {
      const withOrg = await fixture<CampaignPhoto>(html`
        <campaign-photo
          src=${PIXEL}
          alt=""
          photographer="龙帆"
          organization="视觉重庆"
        ></campaign-photo>
      `);
      const alone = await fixture<CampaignPhoto>(html`
        <campaign-photo src=${PIXEL} alt="" photographer="龙帆"></campaign-photo>
      `);
      expect(text(withOrg, 'credit')).to.equal('Photo/龙帆 from 视觉重庆');
      await setLocale('zh-Hans');
      await withOrg.updateComplete;
      await alone.updateComplete;
      expect(text(withOrg, 'credit')).to.equal('视觉重庆 龙帆 摄');
      expect(text(alone, 'credit')).to.equal('龙帆 摄');
      await setLocale('en');
      await withOrg.updateComplete;
      expect(text(withOrg, 'credit')).to.equal('Photo/龙帆 from 视觉重庆');
    });
  });

  describe('from the campaign API', () => {
    it('shows the photo, caption and credit the API gives, in the reader’s language', async () => {
      const api = await apiUrl();
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          api=${api}
          campaign=${CAMPAIGN}
          photo="grand-theater-night"
        ></campaign-photo>
      `);
      await waitUntil(() => img(el), 'API photo never shown');
      const image = img(el)!;
      expect(image.src).to.match(/\/photos\/grand-theater-night\//);
      expect(image.getAttribute('srcset')).to.match(/ 320w, .* 640w/);
      expect(image.alt).to.match(/^Illustration: an angular, glowing theater/);
      expect(text(el, 'caption')).to.match(/^Chongqing Grand Theater glowing/);
      expect(text(el, 'credit')).to.equal('Photo/Long Fan from Visual Chongqing');
      await loaded(el);
      await expect(el).to.be.accessible();

      await setLocale('zh-Hans');
      await waitUntil(() => text(el, 'caption')?.startsWith('夜幕下'), 'Chinese caption');
      expect(text(el, 'credit')).to.equal('视觉重庆 Long Fan 摄');
      expect(img(el)!.alt).to.match(/^示意插图/);
    });

    it('lets attributes override the API, caption="" hiding its caption', async () => {
      const api = await apiUrl();
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          api=${api}
          campaign=${CAMPAIGN}
          photo="firewall"
          alt="Volunteers building a firebreak"
          caption=""
          organization="Our Newsroom"
        ></campaign-photo>
      `);
      await waitUntil(() => text(el, 'credit'), 'credit');
      expect(img(el)!.alt).to.equal('Volunteers building a firebreak');
      expect($(el, '[part="caption"]')).to.equal(null);
      expect(text(el, 'credit')).to.equal('Photo/Qi Lansen from Our Newsroom');
    });

    it('does not move the page while the API answers and the image loads', async () => {
      const api = await apiUrl();
      const start = performance.now();
      const el = fixtureSync<HTMLElement>(html`
        <div style="width: 600px">
          <campaign-photo
            api=${api}
            campaign=${CAMPAIGN}
            photo="grand-theater-night"
            width="1600"
            height="1000"
            loading="eager"
          >
            <img src=${PIXEL} width="1600" height="1000" alt="The Grand Theater at night" />
          </campaign-photo>
          <p id="after">Text after the photo.</p>
        </div>
      `);
      const photo = el.querySelector('campaign-photo')!;
      await photo.updateComplete;
      // First render: the partner's fallback in the reserved box, the API not answered yet.
      expect($(photo, '.frame slot')).to.exist;
      expect($(photo, '.frame')!.getBoundingClientRect().height).to.equal(375);
      const shift = watchLayoutShift(el.querySelector('#after')!, start);
      await loaded(photo);
      expect(text(photo, 'caption')).to.match(/^Chongqing Grand Theater/);
      await shift.expectNone();
    });

    it('keeps the height of a fallback figure with its caption from before the script to the loaded photo', async () => {
      const api = await apiUrl();
      // The partner's fallback: a 16:10 image (the API's ratio too) and its own caption.
      const wide = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="10"/>')}`;
      const fallback = `<figure style="margin: 0">
          <img src="${wide}" width="1600" height="1000" alt="The Grand Theater at night"
            style="display: block; width: 100%; height: auto">
          <figcaption style="height: 100px">The Grand Theater at night. Photo/Long Fan</figcaption>
        </figure>`;
      const el = await fixture<HTMLElement>(html`
        <div style="width: 600px">
          <span id="before"></span>
          <p id="after">Text after the photo.</p>
        </div>
      `);
      // What readers see before the script runs: the same markup in an undefined element.
      const before = el.querySelector('#before')!;
      before.innerHTML = fallback;
      const fallbackHeight = before.getBoundingClientRect().height;
      expect(fallbackHeight).to.equal(475);
      const start = performance.now();
      const photo = document.createElement('campaign-photo');
      Object.assign(photo, { api, campaign: CAMPAIGN, photo: 'grand-theater-night' });
      photo.innerHTML = fallback;
      before.replaceWith(photo);
      const shift = watchLayoutShift(el.querySelector('#after')!, start);
      expect(photo.getBoundingClientRect().height, 'upgraded, not rendered').to.equal(475);
      await photo.updateComplete;
      expect($(photo, 'figure')!.getAttribute('aria-busy'), 'first render while pending').to.equal(
        'true',
      );
      expect(photo.getBoundingClientRect().height, 'pending').to.equal(475);
      await loaded(photo);
      expect(text(photo, 'caption')).to.match(/^Chongqing Grand Theater/);
      expect(photo.getBoundingClientRect().height, 'loaded').to.equal(475);
      await shift.expectNone();
    });

    for (const [kind, base, code] of [
      ['not found', 'real', 'not_found'],
      ['network failure', failingApi.network, 'network'],
      ['server error', failingApi.unavailable, 'unavailable'],
      ['answer that is not a photo', failingApi.wrongShape, 'parse'],
    ] as const) {
      it(`falls back to the slotted image on a ${kind} and fires campaign-error`, async () => {
        const api = base === 'real' ? await apiUrl() : base;
        const el = document.createElement('campaign-photo');
        Object.assign(el, {
          api,
          campaign: CAMPAIGN,
          photo: 'no-such-photo',
          photographer: 'Long Fan',
        });
        el.innerHTML = `<img src="${PIXEL}" width="4" height="3" alt="Fallback picture">`;
        const failed = oneEvent(el, 'campaign-error');
        await fixture(html`<div style="width: 200px">${el}</div>`);
        const { detail } = await failed;
        expect(detail.code).to.equal(code);
        if (code === 'not_found') expect(detail.status).to.equal(404);
        await el.updateComplete;
        const slot = $<HTMLSlotElement>(el, '.frame slot')!;
        expect(slot.assignedElements()[0].getAttribute('alt')).to.equal('Fallback picture');
        // The fallback's own width and height keep the box: 200 × 150.
        expect($(el, '.frame')!.getBoundingClientRect().height).to.equal(150);
        expect(text(el, 'credit')).to.equal('Photo/Long Fan');
        await expect(el).to.be.accessible();
      });
    }

    it('falls back to its attributes when the API fails', async () => {
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          api=${failingApi.network}
          campaign=${CAMPAIGN}
          photo="x"
          src=${PIXEL}
          alt="own"
        ></campaign-photo>
      `);
      await waitUntil(() => !$(el, 'figure')!.hasAttribute('aria-busy'), 'request settled');
      expect(img(el)!.getAttribute('src')).to.equal(PIXEL);
    });

    for (const change of ['photo', 'api', 'campaign'] as const) {
      it(`aborts the request in flight when ${change} changes, and loads the new one`, async () => {
        const api = await apiUrl();
        const fetches = recordFetches();
        try {
          const el = await fixture<CampaignPhoto>(html`
            <campaign-photo
              api=${slowApi()}
              campaign=${CAMPAIGN}
              photo="hongyan-museum"
            ></campaign-photo>
          `);
          await waitUntil(() => fetches.calls.length === 1, 'first request');
          const first = fetches.calls[0];
          expect(first.signal!.aborted).to.equal(false);
          if (change === 'photo') el.photo = 'firewall';
          if (change === 'campaign') el.campaign = 'another-campaign';
          if (change === 'api') el.api = api;
          await waitUntil(() => first.signal!.aborted, 'first request not aborted');
          expect(fetches.calls).to.have.length(2);
          expect(decodeURIComponent(fetches.calls[1].url)).to.contain(
            { photo: '/photos/firewall', campaign: '/another-campaign/', api: api }[change],
          );
          el.api = api;
          el.campaign = CAMPAIGN;
          await waitUntil(() => img(el), 'new photo never shown');
          expect(img(el)!.src).to.contain(change === 'photo' ? '/firewall/' : '/hongyan-museum/');
        } finally {
          fetches.restore();
        }
      });
    }

    it('aborts the request when removed, and loads again when put back', async () => {
      const fetches = recordFetches();
      try {
        const el = await fixture<CampaignPhoto>(html`
          <campaign-photo api=${slowApi()} campaign=${CAMPAIGN} photo="firewall"></campaign-photo>
        `);
        await waitUntil(() => fetches.calls.length === 1);
        const parent = el.parentElement!;
        el.remove();
        expect(fetches.calls[0].signal!.aborted, 'request left running').to.equal(true);
        el.api = await apiUrl();
        parent.append(el);
        await waitUntil(() => img(el), 'photo not loaded after re-attaching');
        expect(img(el)!.src).to.contain('/firewall/');
      } finally {
        fetches.restore();
      }
    });
  });

  // Focus is compared with `===`, not `expect(node).to.equal(other)`: a failed assertion
  // that carries a DOM node never reaches the runner from Chromium, whose file then
  // stalls until the runner's timeout instead of reporting the failure. That is what
  // this suite did there while Chromium sent focus back to the page on closing.
  describe('zoomable', () => {
    async function zoomable() {
      const el = await fixture<CampaignPhoto>(html`
        <campaign-photo
          zoomable
          src=${PIXEL}
          width="4"
          height="3"
          alt="Young visitors at the Hongyan museum"
          caption="Young visitors at the museum."
          photographer="Long Fan"
          organization="Visual Chongqing"
        ></campaign-photo>
      `);
      return { el, zoom: $<HTMLButtonElement>(el, 'button[part="zoom"]')! };
    }

    it('opens the full photo with caption and credit in a modal dialog, focus moving in', async () => {
      const { el, zoom } = await zoomable();
      expect(zoom.getAttribute('aria-label')).to.equal('Enlarge photo');
      // Nothing of the enlarged photo is loaded before the reader asks for it.
      expect($(el, 'dialog')).to.equal(null);
      zoom.focus();
      zoom.click();
      await el.updateComplete;
      const dialog = $<HTMLDialogElement>(el, 'dialog')!;
      expect(dialog.open).to.equal(true);
      expect(dialog.matches(':modal')).to.equal(true);
      expect(dialog.getAttribute('aria-label')).to.equal('Enlarged photo');
      expect(dialog.querySelector('img')!.alt).to.equal('Young visitors at the Hongyan museum');
      expect(dialog.querySelector('[part="caption"]')!.textContent).to.equal(
        'Young visitors at the museum.',
      );
      expect(dialog.querySelector('[part="credit"]')!.textContent).to.equal(
        'Photo/Long Fan from Visual Chongqing',
      );
      expect(dialog.contains(el.shadowRoot!.activeElement), 'focus inside the dialog').to.equal(
        true,
      );
      await expect(el).to.be.accessible();
      // Leave no modal open behind for the next test.
      dialog.close();
      await waitUntil(() => !$(el, 'dialog'), 'dialog still open');
    });

    it('closes with its labelled close button, in either language', async () => {
      await setLocale('zh-Hans');
      const { el, zoom } = await zoomable();
      expect(zoom.getAttribute('aria-label')).to.equal('放大图片');
      zoom.click();
      await el.updateComplete;
      const close = $<HTMLButtonElement>(el, 'dialog .close')!;
      expect(close.textContent.trim()).to.equal('关闭');
      // Names are content: they come in the reader's language from the page or the API.
      expect(text(el, 'credit')).to.equal('Visual Chongqing Long Fan 摄');
      close.click();
      await waitUntil(() => !$(el, 'dialog'), 'dialog still open');
      expect(el.shadowRoot!.activeElement === zoom, 'focus back on the zoom button').to.equal(true);
    });

    it('offers no zoom without the attribute or when the image failed', async () => {
      const plain = await fixture<CampaignPhoto>(
        html`<campaign-photo src=${PIXEL} alt=""></campaign-photo>`,
      );
      expect($(plain, 'button')).to.equal(null);
      const broken = await fixture<CampaignPhoto>(html`
        <campaign-photo zoomable src=${MISSING} alt="gone"></campaign-photo>
      `);
      await waitUntil(() => $(broken, '.failed'));
      expect($(broken, 'button')).to.equal(null);
    });

    it('closes on Escape and returns focus to the photo', async () => {
      const { el, zoom } = await zoomable();
      // A native <button>: Enter and Space activate it as a click does.
      zoom.click();
      await el.updateComplete;
      expect($<HTMLDialogElement>(el, 'dialog')!.open).to.equal(true);
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !$(el, 'dialog'), 'dialog still open');
      expect(el.shadowRoot!.activeElement === zoom, 'focus back on the zoom button').to.equal(true);
    });
  });
});
