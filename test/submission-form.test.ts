import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { setLocale } from '../src/i18n/locale.js';
import { testApi } from './support/api.js';
import {
  CAMPAIGN,
  LONG_ENOUGH,
  allDrafts,
  choosePhoto,
  clearDrafts,
  clearReceipts,
  containsBytes,
  draftOf,
  fill,
  fillValid,
  focused,
  formFor,
  jpegWithGps,
  part,
  parts,
  send,
  spyXhr,
  storedOnce,
  text,
  until,
  watchWarnings,
  type Form,
} from './support/submission-form.js';

const SUBMISSIONS = `/v1/campaigns/${CAMPAIGN}/submissions`;

describe('<campaign-submission-form>', () => {
  let api: string;
  let warnings: ReturnType<typeof watchWarnings>;

  before(async () => {
    api = (await testApi()).url;
  });
  beforeEach(async () => {
    await clearDrafts();
    clearReceipts();
    warnings = watchWarnings();
  });
  afterEach(async () => {
    warnings.restore();
    await setLocale(undefined);
    // Lit printed no development warnings in any test.
    warnings.check();
  });

  it('renders every field at once from defaults, without an API, each labelled and described', async () => {
    const el = await fixture<Form>(html`<campaign-submission-form></campaign-submission-form>`);
    expect(el.state).to.equal('idle');
    for (const id of ['message', 'displayName', 'district', 'email', 'photo', 'consentGiven']) {
      const control = part(el, `#${id}`);
      expect(text(part(el, `label[for=${id}]`)), id).not.to.equal('');
      for (const described of control.getAttribute('aria-describedby')!.split(' ')) {
        expect(part(el, `#${described}`), `${id} → ${described}`).to.exist;
      }
    }
    expect(text(part(el, 'label[for=publishPermission]'))).to.contain('Publish my words');
    expect(text(part(el, '#count'))).to.equal('0 / 1,000');
    // Limits from the defaults until the campaign says otherwise.
    expect(text(part(el, '#message-hint'))).to.contain('10 to 1000 characters');
    // The honeypot is out of reach of people, keyboards and assistive technology.
    const trap = part<HTMLInputElement>(el, '#website');
    expect(trap.tabIndex).to.equal(-1);
    expect(trap.closest('[aria-hidden=true]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('refines limits, districts and terms when the campaign arrives, without moving the field being typed in', async () => {
    const el = await fixture<Form>(
      html`<campaign-submission-form api=${api} campaign=${CAMPAIGN}></campaign-submission-form>`,
    );
    // Defaults first: the reader can start at once.
    expect(parts(el, '#district option')).to.have.length(1);
    const message = part<HTMLTextAreaElement>(el, '#message');
    message.focus();
    fill(el, 'message', 'Typing before the settings arrive');
    const top = message.getBoundingClientRect().top;
    await until(() => part(el, 'option[value=yuzhong]'), 'districts never arrived');
    expect(message.getBoundingClientRect().top).to.equal(top);
    expect(focused(el)).to.equal(message);
    expect(message.value).to.equal('Typing before the settings arrive');
    expect(text(part(el, 'option[value=yuzhong]'))).to.equal('Yuzhong');
    expect(text(part(el, '#consentGiven-hint'))).to.contain('The newsroom may keep what I send');
    expect(part<HTMLAnchorElement>(el, '#consentGiven-hint a').href).to.equal(`${api}/privacy`);
  });

  it('shows every problem in a summary that takes focus and links to each field', async () => {
    const el = await formFor(api);
    const xhr = spyXhr();
    try {
      const failed = oneEvent(el, 'campaign-submit-error');
      send(el);
      expect((await failed).detail).to.deep.equal({ code: 'validation', retrying: false });
      await el.updateComplete;
      const summary = part(el, '#summary');
      expect(focused(el)).to.equal(summary);
      expect(summary.getAttribute('aria-labelledby')).to.equal('summary-title');
      expect(parts(el, '#summary a').map((a) => [a.getAttribute('href'), text(a)])).to.deep.equal([
        ['#message', 'Enter your message.'],
        ['#displayName', 'Enter your name, or choose to publish anonymously.'],
        ['#consentGiven', 'Agree to the terms to send your words.'],
      ]);
      for (const id of ['message', 'displayName', 'consentGiven']) {
        const control = part(el, `#${id}`);
        expect(control.getAttribute('aria-invalid')).to.equal('true');
        expect(control.getAttribute('aria-describedby')).to.contain(`${id}-error`);
        expect(text(part(el, `#${id}-error`))).to.match(/^Error: \S/);
      }
      await expect(el).to.be.accessible();
      // A link in the summary moves focus to its field.
      part(el, '#summary a[href="#displayName"]').click();
      expect(focused(el)).to.equal(part(el, '#displayName'));

      // Each bad answer gets its own specific message.
      fill(el, 'message', '   too short   ');
      fill(el, 'email', 'li.wei@');
      fill(el, 'anonymous', true);
      send(el);
      await el.updateComplete;
      expect(parts(el, '#summary a').map(text)).to.deep.equal([
        'Tell us a little more: at least 10 characters.',
        'Enter an email address like name@example.com.',
        'Agree to the terms to send your words.',
      ]);
      // Publishing anonymously needs no name, and the name field is switched off.
      expect(part<HTMLInputElement>(el, '#displayName').disabled).to.equal(true);
      fill(el, 'message', 'x'.repeat(1001));
      send(el);
      await el.updateComplete;
      expect(text(part(el, '#message-error'))).to.contain('at most 1000 characters');
      // Fixing an answer removes its error at once; the others stay until fixed.
      fill(el, 'email', 'li.wei@example.com');
      await el.updateComplete;
      expect(part(el, '#email-error')).to.equal(null);
      expect(part(el, '#email').getAttribute('aria-describedby')).to.equal('email-hint');
      expect(part(el, '#message-error')).to.exist;
      expect(xhr.bodies, 'nothing may be sent while there are problems').to.have.length(0);
    } finally {
      xhr.restore();
    }
  });

  it('counts characters and announces politely only near the limit', async () => {
    const el = await formFor(api);
    const live = part(el, '[aria-live=polite]');
    fill(el, 'message', 'a'.repeat(800));
    await el.updateComplete;
    expect(text(part(el, '#count'))).to.equal('800 / 1,000');
    expect(text(live)).to.equal('');
    fill(el, 'message', 'a'.repeat(985));
    await el.updateComplete;
    expect(text(live)).to.equal('15 characters left');
    fill(el, 'message', 'a'.repeat(1003));
    await el.updateComplete;
    expect(text(live)).to.equal('Your message is too long: at most 1000 characters.');
  });

  it('fires a cancelable campaign-submit with the body; cancelling sends nothing', async () => {
    const el = await formFor(api);
    fillValid(el);
    fill(el, 'email', ' li.wei@example.com ');
    const xhr = spyXhr();
    try {
      el.addEventListener('campaign-submit', (e) => e.preventDefault(), { once: true });
      const submit = oneEvent(el, 'campaign-submit');
      send(el);
      const event = await submit;
      expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
      // The receipt's secret: 32 random bytes in base64url, made once per draft.
      const secret = event.detail.request.receiptSecret;
      expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(event.detail).to.deep.equal({
        request: {
          message: LONG_ENOUGH,
          displayName: 'Li Wei',
          anonymous: false,
          district: 'yuzhong',
          email: 'li.wei@example.com',
          consentGiven: true,
          consentVersion: '2024-03',
          publishPermission: true,
          photoPermission: false,
          receiptSecret: secret,
          locale: 'en',
        },
        photo: false,
      });
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(xhr.bodies).to.have.length(0);
    } finally {
      xhr.restore();
    }
  });

  it('sends words with a photo: resized, EXIF and GPS gone, progress shown, thanked, stored', async () => {
    const el = await formFor(api);
    fillValid(el, `${LONG_ENOUGH} (with a photo)`);
    choosePhoto(el, await jpegWithGps(3000, 2000));
    await until(() => part(el, 'img'), 'no preview');
    expect(part(el, 'img').getAttribute('alt')).to.equal('Your photo');
    const xhr = spyXhr();
    try {
      const submitted = oneEvent(el, 'campaign-submitted');
      send(el);
      await el.updateComplete;
      expect(el.state).to.equal('sending');
      expect(part(el, '#send').getAttribute('aria-disabled')).to.equal('true');
      expect(text(part(el, '#send'))).to.equal('Sending…');
      expect(part(el, 'progress')).to.exist;
      await expect(el).to.be.accessible();
      const { id } = (await submitted).detail as { id: string };
      await el.updateComplete;
      expect(el.state).to.equal('sent');
      const status = part(el, '[role=status]');
      expect(text(status)).to.equal(
        'Thank you! The newsroom will review your words before they appear.',
      );
      expect(focused(el)).to.equal(status);
      await expect(el).to.be.accessible();

      // What left the browser: a multipart body whose photo is a fresh JPEG.
      expect(xhr.bodies).to.have.length(1);
      const body = xhr.bodies[0] as FormData;
      const sent = body.get('photo') as Blob;
      const bytes = new Uint8Array(await sent.arrayBuffer());
      expect([bytes[0], bytes[1], bytes[2]]).to.deep.equal([0xff, 0xd8, 0xff]);
      expect(containsBytes(bytes, 'Exif'), 'EXIF block').to.equal(false);
      expect(containsBytes(bytes, 'GPSLatitude'), 'GPS data').to.equal(false);
      const bitmap = await createImageBitmap(sent);
      expect([bitmap.width, bitmap.height]).to.deep.equal([2048, 1365]);
      expect(JSON.parse(body.get('data') as string).message).to.equal(
        `${LONG_ENOUGH} (with a photo)`,
      );

      const stored = await storedOnce(id, xhr, SUBMISSIONS);
      if (stored) {
        expect(stored.message).to.equal(`${LONG_ENOUGH} (with a photo)`);
        expect(stored.displayName).to.equal('Li Wei');
        expect(stored.district?.id).to.equal('yuzhong');
        expect(stored.photoId).to.be.a('string');
      }
      // The draft is gone only now that the server has it.
      expect(await draftOf(api)).to.equal(undefined);
      // "Send another" starts a fresh, empty form.
      part(el, 'button').click();
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(part<HTMLTextAreaElement>(el, '#message').value).to.equal('');
    } finally {
      xhr.restore();
    }
  });

  it('refuses a file the browser cannot read as a photo, with a localized reason', async () => {
    const el = await formFor(api);
    const border = () => getComputedStyle(part(el, 'label.button')).borderTopColor;
    const calm = border();
    choosePhoto(el, new File(['not an image'], 'notes.heic', { type: 'image/heic' }));
    await until(() => part(el, '#photo-error'), 'no photo error');
    // The button over the hidden input shows the field's error state too.
    expect(border()).to.not.equal(calm);
    expect(border()).to.equal(getComputedStyle(part(el, '#photo-error')).color);
    expect(text(part(el, '#photo-error'))).to.equal(
      "Error: This photo can't be read here. Choose a JPEG, PNG or WebP photo.",
    );
    expect(part(el, 'img')).to.equal(null);
    choosePhoto(el, new File(['%PDF-1.4'], 'letter.pdf', { type: 'application/pdf' }));
    await el.updateComplete;
    expect(part(el, '#photo-error')).to.exist;
    expect((await draftOf(api))?.photo ?? null).to.equal(null);
  });

  it('maps the server’s field errors to their fields', async () => {
    const el = await formFor(api);
    fillValid(el);
    el.addEventListener(
      'campaign-submit',
      (e) => {
        // Things only the server can catch: a district it does not know, terms that
        // changed since the page loaded, a control character.
        Object.assign(e.detail.request, {
          district: 'atlantis',
          consentVersion: '1999-01',
          message: `${LONG_ENOUGH}\u0007`,
        });
      },
      { once: true },
    );
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    expect((await failed).detail).to.deep.equal({
      code: 'validation',
      status: 400,
      retrying: false,
    });
    await until(() => focused(el)?.id === 'summary', 'summary not focused');
    expect(el.state).to.equal('idle');
    expect(parts(el, '#summary a').map((a) => [a.getAttribute('href'), text(a)])).to.deep.equal([
      ['#message', 'Check this answer: it cannot be sent as it is.'],
      ['#district', 'Choose a district from the list.'],
      ['#consentGiven', 'The terms have changed. Please read them again and agree.'],
    ]);
    // Outdated consent is taken back: the reader must agree to the terms shown now.
    expect(part<HTMLInputElement>(el, '#consentGiven').checked).to.equal(false);
    // The words are still there, on screen and on the device.
    expect(part<HTMLTextAreaElement>(el, '#message').value).to.equal(LONG_ENOUGH);
    await until(async () => (await draftOf(api))?.message === LONG_ENOUGH, 'draft lost');
    await expect(el).to.be.accessible();
  });

  it('restores the draft, photo included, in a new element; the same idempotency key', async () => {
    const first = await formFor(api);
    fillValid(first, `${LONG_ENOUGH} (restored)`);
    fill(first, 'email', 'li.wei@example.com');
    choosePhoto(first, await jpegWithGps(800, 600));
    await until(() => part(first, 'img'), 'no preview');
    await until(async () => (await draftOf(api))?.photo, 'draft never saved');
    const saved = (await draftOf(api))!;
    first.remove();

    const second = await formFor(api);
    await until(() => part<HTMLTextAreaElement>(second, '#message').value, 'not restored');
    expect(part<HTMLTextAreaElement>(second, '#message').value).to.equal(
      `${LONG_ENOUGH} (restored)`,
    );
    expect(part<HTMLInputElement>(second, '#displayName').value).to.equal('Li Wei');
    expect(part<HTMLInputElement>(second, '#email').value).to.equal('li.wei@example.com');
    expect(part<HTMLSelectElement>(second, '#district').value).to.equal('yuzhong');
    expect(part<HTMLInputElement>(second, '#consentGiven').checked).to.equal(true);
    await until(() => part(second, 'img'), 'photo not restored');
    expect((await draftOf(api))!.key).to.equal(saved.key);
    // Drafts are per API and campaign.
    expect([...(await allDrafts()).keys()]).to.deep.equal([`${api}|${CAMPAIGN}`]);
    // Removing the photo removes it from the draft too, and focus goes back to the picker.
    parts(second, 'button')
      .find((b) => text(b) === 'Remove photo')!
      .click();
    await second.updateComplete;
    expect(focused(second)).to.equal(part(second, '#photo'));
    await until(async () => (await draftOf(api))?.photo === null, 'photo kept in draft');
  });

  it('can be completed with the keyboard alone', async () => {
    const el = await formFor(api);
    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    before.focus();
    const tab = () => sendKeys({ press: 'Tab' });
    await tab();
    expect(focused(el)?.id).to.equal('message');
    await sendKeys({ type: 'Typed-with-the-keyboard-only,every-key-of-it.' });
    await tab();
    await sendKeys({ type: 'Keyboard-Reader' });
    await tab(); // publish anonymously
    await tab(); // district
    await tab(); // email
    await tab(); // photo: the input itself, its focus drawn on the button over it
    expect(focused(el)?.id).to.equal('photo');
    expect(getComputedStyle(part(el, 'label.button')).outlineStyle, 'focus shown').to.equal(
      'solid',
    );
    await tab(); // privacy policy
    await tab();
    expect(focused(el)?.id).to.equal('consentGiven');
    await sendKeys({ type: ' ' });
    await tab(); // publish permission
    await tab();
    expect(focused(el)?.id).to.equal('send');
    const submitted = oneEvent(el, 'campaign-submitted');
    const xhr = spyXhr();
    try {
      await sendKeys({ press: 'Enter' });
      const { id } = (await submitted).detail as { id: string };
      expect(JSON.parse(xhr.bodies[0] as string)).to.include({
        message: 'Typed-with-the-keyboard-only,every-key-of-it.',
        displayName: 'Keyboard-Reader',
        consentGiven: true,
      });
      const stored = await storedOnce(id, xhr, SUBMISSIONS);
      if (stored) expect(stored.message).to.equal('Typed-with-the-keyboard-only,every-key-of-it.');
    } finally {
      xhr.restore();
      before.remove();
    }
  });

  it('speaks Chinese: labels, hints, errors and the campaign’s own terms', async () => {
    await setLocale('zh-Hans');
    const el = await formFor(api);
    await until(() => text(part(el, '#consentGiven-hint')).includes('编辑部'), 'terms not in zh');
    expect(text(part(el, 'label[for=message]'))).to.equal('您的留言');
    expect(text(part(el, 'option[value=yuzhong]'))).to.equal('渝中区');
    fill(el, 'message', '太短了');
    send(el);
    await el.updateComplete;
    expect(text(part(el, '#summary-title'))).to.equal('提交时遇到问题');
    expect(text(part(el, '#message-error'))).to.equal('错误： 请再多写一些：至少 10 个字符。');
    expect(text(part(el, '#count'))).to.equal('3 / 1,000');
    expect(text(part(el, 'label.button'))).to.equal('选择照片');
    await expect(el).to.be.accessible();
  });

  it('offers the photo picker as a button in the page’s language that opens the browser’s picker', async () => {
    const el = await formFor(api);
    const button = part(el, 'label.button');
    const input = part<HTMLInputElement>(el, '#photo');
    expect(text(button)).to.equal('Choose a photo');
    // The native control is out of sight (its own button speaks the browser's language),
    // yet named by both labels and in the tab order.
    expect(input.getBoundingClientRect().width).to.be.at.most(1);
    expect(input.tabIndex).to.equal(0);
    expect(button.getBoundingClientRect().height, 'target size').to.be.at.least(24);
    let opened = 0;
    input.addEventListener('click', (event) => {
      opened++;
      event.preventDefault();
    });
    button.click();
    expect(opened, 'the picker opens').to.equal(1);
    await expect(el).to.be.accessible();
  });

  it('leaves no request, timer or listener running once removed', async () => {
    // An API that is not there: sending fails and a retry is scheduled.
    const el = await formFor(api);
    el.api = 'http://127.0.0.1:9';
    fillValid(el);
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    expect((await failed).detail.retrying).to.equal(true);
    await el.updateComplete;
    expect(el.state).to.equal('retrying');
    expect(text(part(el, '[role=status]'))).to.contain('Saved on this device');
    await expect(el).to.be.accessible();
    const xhr = spyXhr();
    const timeouts: number[] = [];
    const originalClear = window.clearTimeout;
    window.clearTimeout = ((id: number) => {
      timeouts.push(id);
      originalClear(id);
    }) as typeof clearTimeout;
    try {
      el.remove();
      expect(timeouts.length, 'retry timer cleared').to.be.greaterThan(0);
      window.dispatchEvent(new Event('online'));
      await new Promise((r) => setTimeout(r, 100));
      expect(xhr.bodies, 'no retry after removal').to.have.length(0);
      // Removed in the middle of a retry: the request is dropped and none follows, not
      // even once the draft store answers after removal.
      document.body.append(el);
      await el.updateComplete;
      window.dispatchEvent(new Event('online'));
      expect(el.state).to.equal('sending');
      expect(xhr.bodies).to.have.length(1);
      el.remove();
      await new Promise((r) => setTimeout(r, 300));
      expect(el.state).to.equal('retrying');
      expect(xhr.bodies, 'no send after removal mid-retry').to.have.length(1);
      // Put back: the stopped send goes again at once, with the same key.
      document.body.append(el);
      expect(el.state).to.equal('sending');
      expect(xhr.bodies).to.have.length(2);
      expect(new Set(xhr.keys).size).to.equal(1);
      el.remove();
    } finally {
      window.clearTimeout = originalClear;
      xhr.restore();
    }
    // The words wait on the device, with the body to resend.
    const saved = await draftOf('http://127.0.0.1:9');
    expect(saved?.request?.message).to.equal(LONG_ENOUGH);
  });
});
