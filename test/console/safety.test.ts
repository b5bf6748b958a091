import { expect, waitUntil } from '@open-wc/testing';
import { failure } from './support/fake-api.js';
import {
  button,
  cleanUp,
  focused,
  hasButton,
  openConsole,
  settle,
  shadow,
} from './support/console.js';
import { CAMPAIGN, World, safetyDefaults } from './support/world.js';

const SAFETY = `/v1/campaigns/${CAMPAIGN}/staff/safety`;
const puts = (w: World) => w.api.find('PUT', /\/staff\/safety$/);

async function openSafety(w: World) {
  const el = await openConsole(w, '?view=safety');
  await waitUntil(
    () => shadow(el).querySelector('newsroom-safety')?.shadowRoot?.querySelector('form'),
    'the safety form',
  );
  const view = shadow(el).querySelector('newsroom-safety')!;
  await settle(view);
  return { el, view, root: shadow(view) };
}

const field = <T extends HTMLElement = HTMLInputElement>(root: ShadowRoot, id: string) => {
  const found = root.querySelector<T>(`#${id}`);
  if (!found) throw new Error(`no #${id}`);
  return found;
};

/** Types into a text field or picks an option, as a person does. */
function type(root: ShadowRoot, id: string, value: string) {
  const el = field<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(root, id);
  el.value = value;
  el.dispatchEvent(
    new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
  );
}

function click(root: ShadowRoot, selector: string) {
  const el = root.querySelector<HTMLInputElement>(selector);
  if (!el) throw new Error(`no ${selector}`);
  el.click();
}

const configured = () =>
  safetyDefaults({
    words: { en: ['scam'], 'zh-Hans': ['坏词'] },
    reportContact: {
      kind: 'phone',
      value: '+86-23-67158993',
      label: { en: 'Illegal content line', 'zh-Hans': '违法和不良信息举报电话' },
    },
    externalCheck: { url: 'https://check.newsroom.example/v1', timeoutMs: 3000, secretSet: true },
  });

describe('newsroom console: safety settings', () => {
  afterEach(cleanUp);

  it('is in the navigation for everyone, and shows the settings the API holds', async () => {
    const w = new World({ me: { role: 'viewer' } });
    w.safety = configured();
    const { el, root } = await openSafety(w);
    const nav = shadow(el).querySelector('nav.views')!;
    expect([...nav.querySelectorAll('a')].map((a) => a.textContent.trim())).to.include('Safety');
    expect(nav.querySelector('a[aria-current="page"]')!.textContent.trim()).to.equal('Safety');
    expect(w.api.find('GET', /\/staff\/safety$/)).to.have.length(1);
    expect(field(root, 'sf-reportThreshold').value).to.equal('3');
    expect(root.querySelector<HTMLInputElement>('input[value="pre"]')!.checked).to.be.true;
    expect(field(root, 'sf-contactValue').value).to.equal('+86-23-67158993');
    expect(field(root, 'sf-label-zh-Hans').value).to.equal('违法和不良信息举报电话');
    expect(field(root, 'sf-label-zh-Hans').getAttribute('lang')).to.equal('zh-Hans');
    expect(field<HTMLTextAreaElement>(root, 'sf-words-zh-Hans').value).to.equal('坏词');
    expect(field(root, 'sf-checkUrl').value).to.equal('https://check.newsroom.example/v1');
    // The secret is never sent back; a viewer has no secret field at all.
    expect(root.querySelector('#sf-checkSecret')).to.be.null;
    // Pre-moderation says why it is the default.
    expect(root.querySelector('#moderation-hint')!.textContent).to.include(
      'mainland rules ask for review before publication',
    );
    expect(root.querySelectorAll('fieldset legend').length).to.be.at.least(6);
  });

  it('a viewer and a moderator read it only: fields read-only, switches disabled, no save', async () => {
    for (const role of ['viewer', 'moderator'] as const) {
      const w = new World({ me: { role } });
      w.safety = configured();
      const { root } = await openSafety(w);
      expect(root.textContent).to.include('Only an admin can change these settings.');
      expect(hasButton(root, 'Save')).to.be.false;
      for (const input of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
        'input:not([type="checkbox"]):not([type="radio"]), textarea',
      )) {
        expect(input.readOnly, input.id).to.be.true;
      }
      for (const input of root.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
        'input[type="checkbox"], input[type="radio"], select',
      )) {
        expect(input.disabled, input.name).to.be.true;
      }
      root.querySelector('form')!.requestSubmit();
      await settle(root.host);
      expect(puts(w)).to.have.length(0);
      await cleanUp();
    }
  });

  it('an admin saves: the exact body, the secret only when typed, and the answer replaces the form', async () => {
    const w = new World({ me: { role: 'admin' } });
    w.safety = configured();
    w.checkSecret = 'an-old-secret-of-20-chars';
    const { el, view, root } = await openSafety(w);
    // The secret is never shown: the field is empty, write-only, and says one is set.
    const secret = field(root, 'sf-checkSecret');
    expect([secret.value, secret.type, secret.autocomplete]).to.deep.equal([
      '',
      'password',
      'new-password',
    ]);
    expect(secret.getAttribute('aria-describedby')).to.equal('sf-checkSecret-hint');
    expect(root.querySelector('#sf-checkSecret-hint')!.textContent).to.include(
      'A secret is set; leave empty to keep it.',
    );
    click(root, 'input[value="post"]');
    type(root, 'sf-reportThreshold', '5');
    click(root, 'input[name="reportsOptional"]');
    type(root, 'sf-contactKind', 'email');
    await settle(view);
    type(root, 'sf-contactValue', ' report@newsroom.example ');
    type(root, 'sf-label-en', 'Report illegal content');
    type(root, 'sf-words-zh-Hans', '坏词\n\n  赌博  \n');
    type(root, 'sf-words-en', 'scam\nfree money');
    click(root, 'input[name="holdRepeats"]');
    type(root, 'sf-checkTimeout', '2500');
    await settle(view);
    expect(root.textContent).to.include('Not saved yet');
    button(root, 'Save the settings').click();
    await waitUntil(() => puts(w).length === 1);
    const sent = puts(w)[0];
    expect(sent.path).to.equal(SAFETY);
    expect(sent.headers['x-csrf-token']).to.equal('csrf-1');
    expect(sent.body).to.deep.equal({
      moderation: 'post',
      reportThreshold: 5,
      reportsOptional: true,
      reportContact: {
        kind: 'email',
        value: 'report@newsroom.example',
        label: { en: 'Report illegal content', 'zh-Hans': '违法和不良信息举报电话' },
      },
      words: { en: ['scam', 'free money'], 'zh-Hans': ['坏词', '赌博'] },
      holdLinks: true,
      holdPhones: true,
      holdEmails: true,
      holdRepeats: false,
      externalCheck: { url: 'https://check.newsroom.example/v1', timeoutMs: 2500 },
    });
    await waitUntil(() => root.querySelector('[role="status"]')?.textContent.includes('saved'));
    const live = shadow(el).querySelector('[aria-live="polite"]')!;
    await waitUntil(() => live.textContent.includes('Safety settings saved.'));
    expect(w.checkSecret).to.equal('an-old-secret-of-20-chars');
    // A new secret is sent once typed, and the field is empty again after the save.
    type(root, 'sf-checkSecret', 'a-brand-new-secret-0123');
    button(root, 'Save the settings').click();
    await waitUntil(() => puts(w).length === 2);
    expect(puts(w)[1].body.externalCheck).to.deep.equal({
      url: 'https://check.newsroom.example/v1',
      timeoutMs: 2500,
      secret: 'a-brand-new-secret-0123',
    });
    await waitUntil(() => field(root, 'sf-checkSecret').value === '');
    expect(w.checkSecret).to.equal('a-brand-new-secret-0123');
    // Removing the check: unticked, it says what saving does, and sends null.
    click(root, 'input[name="check"]');
    await settle(view);
    expect(root.querySelector('#sf-checkUrl')).to.be.null;
    expect(root.textContent).to.include('Saving removes the external check and its secret.');
    type(root, 'sf-contactKind', '');
    await settle(view);
    button(root, 'Save the settings').click();
    await waitUntil(() => puts(w).length === 3);
    expect(puts(w)[2].body.externalCheck).to.be.null;
    expect(puts(w)[2].body.reportContact).to.be.null;
    await waitUntil(() => w.safety.externalCheck === null);
  });

  it('field errors from a 422 appear beside their fields, summarised, and what was typed stays', async () => {
    const w = new World({ me: { role: 'admin' } });
    const { view, root } = await openSafety(w);
    type(root, 'sf-contactKind', 'email');
    await settle(view);
    type(root, 'sf-contactValue', 'not-an-address');
    type(root, 'sf-label-zh-Hans', '举报邮箱');
    type(root, 'sf-words-zh-Hans', `坏词\n${'长'.repeat(60)}`);
    click(root, 'input[name="check"]');
    await settle(view);
    type(root, 'sf-checkUrl', 'http://plain.example');
    await settle(view);
    button(root, 'Save the settings').click();
    await waitUntil(() => root.querySelector('.summary'), 'the error summary');
    expect(puts(w)).to.have.length(1);
    const expectError = (id: string, text: string) => {
      const input = field(root, id);
      const error = root.querySelector(`#${id}-error`)!;
      expect(error, id).to.exist;
      expect(error.textContent).to.include(text);
      expect(input.getAttribute('aria-invalid')).to.equal('true');
      expect(input.getAttribute('aria-describedby')!.split(' ')).to.include(`${id}-error`);
    };
    expectError('sf-contactValue', 'Enter an email address');
    expectError('sf-words-zh-Hans', 'At most 500 lines of up to 50 characters');
    expectError('sf-checkUrl', 'starts with https://');
    expectError('sf-checkSecret', 'Enter a secret of 16 to 200 characters.');
    expect(field(root, 'sf-reportThreshold').getAttribute('aria-invalid')).to.equal('false');
    // The summary takes focus and links each field.
    const summary = root.querySelector<HTMLElement>('.summary')!;
    await waitUntil(() => focused() === summary, 'the summary has focus');
    const links = [...summary.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      '#sf-contactValue',
      '#sf-words-zh-Hans',
      '#sf-checkUrl',
      '#sf-checkSecret',
    ]);
    expect(links[0].textContent).to.include('Email address:');
    links[2].click();
    expect(focused()).to.equal(field(root, 'sf-checkUrl'));
    expect(location.hash).to.equal('');
    // Nothing typed is lost.
    expect(field(root, 'sf-contactValue').value).to.equal('not-an-address');
    expect(field(root, 'sf-label-zh-Hans').value).to.equal('举报邮箱');
    expect(field<HTMLTextAreaElement>(root, 'sf-words-zh-Hans').value).to.include('长'.repeat(60));
    expect(field(root, 'sf-checkUrl').value).to.equal('http://plain.example');
    // Fixed, it saves and the errors go.
    type(root, 'sf-contactValue', 'report@newsroom.example');
    type(root, 'sf-words-zh-Hans', '坏词');
    type(root, 'sf-checkUrl', 'https://check.newsroom.example');
    type(root, 'sf-checkSecret', 'sixteen-chars-or-more');
    button(root, 'Save the settings').click();
    await waitUntil(() => puts(w).length === 2);
    await waitUntil(() => !root.querySelector('.summary') && !root.querySelector('.error'));
    expect(w.safety.externalCheck).to.deep.equal({
      url: 'https://check.newsroom.example',
      timeoutMs: 3000,
      secretSet: true,
    });
  });

  it('a threshold out of range: the API refuses it, and the error stands beside the field', async () => {
    const w = new World({ me: { role: 'admin' } });
    const { root } = await openSafety(w);
    expect(root.querySelector('label[for="sf-reportThreshold"]')!.textContent).to.include(
      '1 to 100',
    );
    type(root, 'sf-reportThreshold', '0');
    button(root, 'Save the settings').click();
    await waitUntil(() => root.querySelector('#sf-reportThreshold-error'));
    expect(puts(w)[0].body.reportThreshold).to.equal(0);
    expect(root.querySelector('#sf-reportThreshold-error')!.textContent).to.include(
      'Enter a whole number in the range given.',
    );
    expect(field(root, 'sf-reportThreshold').value).to.equal('0');
  });

  it('a 409, a refusal or a dropped connection: said in the console’s language, and nothing typed is lost', async () => {
    const w = new World({ me: { role: 'admin' } });
    const { el, view, root } = await openSafety(w);
    w.api.on('PUT', SAFETY, failure(409, 'conflict', 'Changed meanwhile'));
    type(root, 'sf-words-en', 'scam');
    button(root, 'Save the settings').click();
    await waitUntil(() => root.querySelector('[role="alert"]'));
    expect(root.querySelector('[role="alert"]')!.textContent).to.include(
      'Someone changed these settings meanwhile. Check them and save again.',
    );
    expect(field<HTMLTextAreaElement>(root, 'sf-words-en').value).to.equal('scam');
    w.api.on('PUT', SAFETY, failure(403, 'forbidden', 'Admins only'));
    button(root, 'Save the settings').click();
    await waitUntil(() =>
      root.querySelector('[role="alert"]')?.textContent.includes('Your role does not allow this'),
    );
    // The network drops: the console says so, retries, and the save lands.
    let down = true;
    w.api.on('PUT', SAFETY, (r) => {
      if (down) return 'network';
      w.safety = { ...w.safety, words: r.body.words };
      return { body: w.safety };
    });
    button(root, 'Save the settings').click();
    await waitUntil(() => shadow(el).textContent.includes('Offline'), 'offline banner');
    await waitUntil(() => puts(w).length >= 4, 'tried again');
    expect(field<HTMLTextAreaElement>(root, 'sf-words-en').value).to.equal('scam');
    down = false;
    await waitUntil(() => root.querySelector('[role="status"]')?.textContent.includes('saved'));
    expect(w.safety.words.en).to.deep.equal(['scam']);
    await settle(view);
  });

  it('in Chinese: every label, hint and error', async () => {
    const w = new World({ me: { role: 'admin', locale: 'zh-Hans' } });
    w.safety = configured();
    const { el, view, root } = await openSafety(w);
    expect(shadow(el).querySelector('nav a[aria-current="page"]')!.textContent.trim()).to.equal(
      '内容安全',
    );
    expect(root.querySelector('h2')!.textContent).to.equal('安全设置');
    const text = root.textContent;
    expect(text).to.include('先审后发').and.include('内地法规要求内容发布前经过审核');
    expect(text).to.include('隐藏留言所需举报数（1–100）').and.include('中文词表');
    expect(text).to.include('已设置密钥；留空即保留原密钥。');
    expect(root.querySelector('label[for="sf-label-en"]')!.textContent).to.equal('说明（英文）');
    type(root, 'sf-reportThreshold', '101');
    await settle(view);
    button(root, '保存设置').click();
    await waitUntil(() => root.querySelector('.summary'));
    expect(root.querySelector('.summary')!.textContent).to.include('未保存：请检查以下各项');
    expect(root.querySelector('#sf-reportThreshold-error')!.textContent).to.equal(
      '请输入规定范围内的整数。',
    );
    expect(root.querySelector('.summary a')!.textContent).to.equal(
      '隐藏留言所需举报数（1–100）：请输入规定范围内的整数。',
    );
  });
});
