// The four widgets as the minified single script builds them, against the reference
// API: the build rewrites templates, styles, message ids, reactive properties and
// private members, so what the widget suites prove for the sources is checked here
// once more for dist/campaign-widgets.js. Run `npm run build` first (`npm test` does).
// Nothing from src/ is imported: every tag on this page comes from the bundle.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { testApi } from './support/api.js';

const CAMPAIGN = 'spirit-of-chongqing';

interface Bundle {
  setLocale(locale: string | undefined): Promise<void>;
  VERSION: string;
}
type Widget = HTMLElement & { state?: string; updateComplete: Promise<boolean> };

const bundlePath: string = '/dist/campaign-widgets.js';
let bundle: Bundle;
let api: string;

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);
const text = (node: Element | null | undefined) =>
  (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('widgets from the built single script', function () {
  this.timeout(20000);

  before(async () => {
    bundle = (await import(bundlePath)) as Bundle;
    api = (await testApi()).url;
    // No draft of another suite may be restored into the form.
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase('campaign-widgets');
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  });
  afterEach(() => bundle.setLocale(undefined));

  it('defines every tag from the bundle, not from the sources', () => {
    expect(bundle.VERSION).to.be.a('string');
    for (const tag of ['photo', 'story-teaser', 'submission-form', 'quote-wall']) {
      expect(customElements.get(`campaign-${tag}`), tag).to.exist;
    }
  });

  it('photo: loads, credits in both languages, enlarges and closes', async () => {
    const el = await fixture<Widget>(html`
      <campaign-photo
        api=${api}
        campaign=${CAMPAIGN}
        photo="grand-theater-night"
        zoomable
      ></campaign-photo>
    `);
    await waitUntil(() => $(el, 'img'), 'photo never shown');
    expect($(el, 'img')!.getAttribute('src')).to.match(/\/photos\/grand-theater-night\//);
    // Set through the CSSOM, which a strict CSP allows where it drops style attributes.
    expect($(el, '.frame')!.style.getPropertyValue('--_r')).to.match(/^\d+ \/ \d+$/);
    expect(text($(el, '[part="credit"]'))).to.equal('Photo/Long Fan from Visual Chongqing');

    const zoom = $<HTMLButtonElement>(el, '[part="zoom"]')!;
    expect(zoom.getAttribute('aria-label')).to.equal('Enlarge photo');
    zoom.click();
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog')?.open, 'dialog never opened');
    $<HTMLButtonElement>(el, 'dialog .close')!.click();
    await waitUntil(() => !$(el, 'dialog'), 'dialog never closed');
    expect(el.shadowRoot!.activeElement).to.equal(zoom);

    await bundle.setLocale('zh-Hans');
    await waitUntil(() => text($(el, '[part="credit"]')) === '视觉重庆 Long Fan 摄', 'zh credit');
    expect($(el, '[part="zoom"]')!.getAttribute('aria-label')).to.equal('放大图片');
  });

  it('story teaser: one link with headline, byline and date, in both languages', async () => {
    const el = await fixture<Widget>(html`
      <campaign-story-teaser
        api=${api}
        campaign=${CAMPAIGN}
        story="spirit-of-chongqing-city"
      ></campaign-story-teaser>
    `);
    await waitUntil(() => $(el, 'a'), 'story never shown');
    expect(text($(el, 'a'))).to.equal(
      "Cultivating the Essence to Refine the 'Spirit of Chongqing City'",
    );
    expect(text($(el, '[part="byline"]'))).to.equal('XINYI LI 24 March 2024');
    await bundle.setLocale('zh-Hans');
    await waitUntil(() => text($(el, 'time')) === '2024年3月24日', 'zh date');
  });

  it('submission form: localized problems first, then sends and thanks', async () => {
    const el = await fixture<Widget>(html`
      <campaign-submission-form api=${api} campaign=${CAMPAIGN}></campaign-submission-form>
    `);
    await waitUntil(() => $(el, '#consentGiven-hint a'), 'campaign settings never arrived');
    $<HTMLButtonElement>(el, '#send')!.click();
    await waitUntil(() => $(el, '[part="error-summary"]'), 'no error summary');
    expect(text($(el, '#message-error'))).to.equal('Error: Enter your message.');
    expect($(el, '#message')!.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.id).to.equal('summary');

    // Problems keep the language they were found in; the form around them follows the page.
    await bundle.setLocale('zh-Hans');
    await waitUntil(() => text($(el, 'label[for=message]')) === '您的留言', 'zh label');
    expect(text($(el, '#message-error'))).to.equal('错误： Enter your message.');
    await bundle.setLocale('en');

    const fill = (id: string, value: string | boolean) => {
      const input = $<HTMLInputElement>(el, `#${id}`)!;
      if (typeof value === 'boolean') input.checked = value;
      else input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    };
    fill('message', `Stairs, fog and hotpot: the city of a thousand steps ${Date.now()}`);
    fill('displayName', 'Li Wei');
    fill('consentGiven', true);
    fill('publishPermission', true);
    await el.updateComplete;
    // A field's error goes once its answer is right.
    expect($(el, '#message-error')).to.equal(null);
    $<HTMLButtonElement>(el, '#send')!.click();
    await waitUntil(() => el.state === 'sent', `never sent (${el.state})`, { timeout: 10000 });
    expect(text($(el, '[part="status"]'))).to.equal(
      'Thank you! The newsroom will review your words before they appear.',
    );
  });

  it('quote wall: goes live and shows the approved quotes', async () => {
    const el = await fixture<Widget>(html`
      <campaign-quote-wall api=${api} campaign=${CAMPAIGN}></campaign-quote-wall>
    `);
    await waitUntil(() => text($(el, '[part="status"]')) === 'Live', 'never live', {
      timeout: 10000,
    });
    const quotes = [...el.shadowRoot!.querySelectorAll('[part="quote"] blockquote')];
    expect(quotes.length + (text($(el, 'p')) === 'No quotes yet.' ? 1 : 0)).to.be.above(0);
    for (const quote of quotes) expect(text(quote)).not.to.equal('');
    await bundle.setLocale('zh-Hans');
    await waitUntil(() => text($(el, '[part="status"]')) === '实时', 'zh status');
  });
});
