import { expect, waitUntil } from '@open-wc/testing';
import type { Locale } from '../../src/api/wire.js';
import {
  button,
  cleanUp,
  deepText,
  focused,
  openConsole,
  settle,
  shadow,
} from './support/console.js';
import { CAMPAIGN, World, campaignSummary } from './support/world.js';

const OTHER = 'riverside-2027';

async function openView(w: World, view: string, selector: string) {
  const el = await openConsole(w, `?view=${view}`);
  await waitUntil(() => shadow(el).querySelector(selector)?.shadowRoot, `${view} view`);
  const child = shadow(el).querySelector(selector)!;
  await settle(child);
  return { el, view: child, root: shadow(child) };
}

const type = (root: ShadowRoot, id: string, value: string) => {
  const input = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`);
  if (!input) throw new Error(`no #${id}`);
  input.value = value;
  input.dispatchEvent(new Event('input'));
};

/** The live region's text, once it says something. */
const announced = async (el: Element, text: string) =>
  waitUntil(
    () => shadow(el).querySelector('[aria-live="polite"]')?.textContent.includes(text),
    `announced "${text}"`,
  );

async function fillNewCampaign(root: ShadowRoot) {
  type(root, 'c-id', OTHER);
  type(root, 'c-text-en-title', 'Voices of the Riverside');
  type(root, 'c-text-en-summary', 'What should the park keep?');
  type(root, 'c-text-en-consentText', 'The newsroom may publish my words.');
  type(root, 'c-text-zh-Hans-title', '江岸之声');
  type(root, 'c-text-zh-Hans-summary', '公园应该留下什么？');
  type(root, 'c-text-zh-Hans-consentText', '我同意编辑部发布我的文字。');
  type(root, 'c-consentVersion', '2027-01');
  type(root, 'c-privacyPolicyUrl', 'https://news.example/privacy');
  type(root, 'c-districts', 'north-bank, North bank, 北岸\nsouth-bank, South bank, 南岸');
  await settle(root.host);
}

describe('newsroom console: campaigns and roles per campaign', () => {
  afterEach(cleanUp);

  it('a global admin creates a campaign: the exact body, the list, the notice focused and announced', async () => {
    const w = new World({ me: { role: 'admin' } });
    const { el, root } = await openView(w, 'campaigns', 'newsroom-campaigns');
    expect(shadow(el).querySelector('nav')!.textContent).to.include('Campaigns');
    await waitUntil(() => root.querySelectorAll('tbody tr').length === 1);
    expect(root.querySelector('tbody')!.textContent).to.include('Spirit of Chongqing City');
    await fillNewCampaign(root);
    root.querySelector<HTMLInputElement>('input[name="status"][value="open"]')!.click();
    await settle(root.host);
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => w.api.find('POST', /^\/v1\/staff\/campaigns$/).length === 1);
    const sent = w.api.find('POST', /^\/v1\/staff\/campaigns$/)[0];
    expect(sent.headers['x-csrf-token']).to.equal('csrf-1');
    expect(sent.body).to.deep.equal({
      id: OTHER,
      locales: ['en', 'zh-Hans'],
      defaultLocale: 'en',
      text: {
        en: {
          title: 'Voices of the Riverside',
          summary: 'What should the park keep?',
          consentText: 'The newsroom may publish my words.',
        },
        'zh-Hans': {
          title: '江岸之声',
          summary: '公园应该留下什么？',
          consentText: '我同意编辑部发布我的文字。',
        },
      },
      consentVersion: '2027-01',
      privacyPolicyUrl: 'https://news.example/privacy',
      status: 'open',
      closesAt: null,
      districts: [
        { id: 'north-bank', names: { en: 'North bank', 'zh-Hans': '北岸' } },
        { id: 'south-bank', names: { en: 'South bank', 'zh-Hans': '南岸' } },
      ],
    });
    await waitUntil(() => root.querySelectorAll('tbody tr').length === 2, 'the new one listed');
    await announced(el, 'Campaign Voices of the Riverside created.');
    expect(focused()?.id).to.equal('created');
    expect(root.querySelector('#created')!.textContent).to.include(`campaign="${OTHER}"`);
    expect((root.querySelector('#c-id') as HTMLInputElement).value).to.equal('', 'form emptied');
  });

  it('an English-only campaign sends only its language; refused fields are listed, marked and keep what was typed', async () => {
    const w = new World({ me: { role: 'admin' } });
    const { el, root } = await openView(w, 'campaigns', 'newsroom-campaigns');
    await fillNewCampaign(root);
    const chinese = [...root.querySelectorAll<HTMLInputElement>('#c-locales input')][1];
    chinese.click();
    await settle(root.host);
    expect(root.querySelector('#c-text-zh-Hans-title')).to.be.null;
    type(root, 'c-districts', 'north-bank, North bank');
    w.api.on('POST', '/v1/staff/campaigns', () => ({
      status: 400,
      body: {
        statusCode: 400,
        code: 'validation',
        message: 'Some fields are not valid',
        fields: [
          { field: 'privacyPolicyUrl', code: 'invalid' },
          { field: 'text.en.title', code: 'control_characters' },
        ],
      },
    }));
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => root.querySelector('.summary'), 'the summary of refused fields');
    const sent = w.api.find('POST', /^\/v1\/staff\/campaigns$/).at(-1)!;
    expect(sent.body.locales).to.deep.equal(['en']);
    expect(Object.keys(sent.body.text)).to.deep.equal(['en']);
    expect(sent.body.districts).to.deep.equal([{ id: 'north-bank', names: { en: 'North bank' } }]);
    expect(focused()).to.equal(root.querySelector('.summary'));
    const url = root.querySelector('#c-privacyPolicyUrl')!;
    expect(url.getAttribute('aria-invalid')).to.equal('true');
    const described = url.getAttribute('aria-describedby')!.split(' ');
    expect(root.querySelector(`#${described.at(-1)}`)!.textContent).to.include('https://');
    expect(root.querySelector('.summary')!.textContent).to.include('Title (English)');
    expect((root.querySelector('#c-id') as HTMLInputElement).value).to.equal(OTHER);
    await announced(el, 'Not created: check the fields listed.');
    // The link in the summary takes the keyboard to the field.
    root.querySelector<HTMLAnchorElement>('.summary a')!.click();
    expect(focused()).to.equal(url);
  });

  it('an id taken is said on the id field; a moderator sees the list but no form', async () => {
    const w = new World({ me: { role: 'admin' } });
    w.campaigns.push(campaignSummary(OTHER, 'Voices of the Riverside'));
    const { root } = await openView(w, 'campaigns', 'newsroom-campaigns');
    await fillNewCampaign(root);
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => root.querySelector('#c-id-error'));
    expect(root.querySelector('#c-id-error')!.textContent).to.include('exists already');
    await cleanUp();

    const m = new World();
    const seen = await openView(m, 'campaigns', 'newsroom-campaigns');
    await waitUntil(() => seen.root.querySelectorAll('tbody tr').length === 1);
    expect(seen.root.querySelector('form')).to.be.null;
    expect(seen.root.querySelector('tbody')!.textContent).to.include('Moderator');
  });

  it('staff view: sets an account’s role per campaign, sends only the entries, announces it', async () => {
    const w = new World({ me: { role: 'admin' } });
    w.campaigns.push(campaignSummary(OTHER, 'Voices of the Riverside'));
    w.campaignRoles.set('u-zhao', { [CAMPAIGN]: 'moderator' });
    const { el, root } = await openView(w, 'staff', 'newsroom-staff');
    await waitUntil(() => root.querySelectorAll('tbody tr').length === 3);
    expect(root.querySelector('tbody')!.textContent).to.include(`${CAMPAIGN}: Moderator`);
    const open = button(root, 'Roles per campaign for 李明');
    expect(open.getAttribute('aria-expanded')).to.equal('false');
    open.click();
    await waitUntil(() => root.querySelector('#per-campaign-u-li'));
    expect(open.getAttribute('aria-expanded')).to.equal('true');
    expect(focused()?.id).to.equal(`cr-u-li-${CAMPAIGN}`, 'the first select is focused');
    const other = root.querySelector<HTMLSelectElement>(`#cr-u-li-${OTHER}`)!;
    expect(root.querySelector(`label[for="cr-u-li-${OTHER}"]`)!.textContent).to.include(OTHER);
    other.value = 'none';
    other.dispatchEvent(new Event('change'));
    await settle(root.host);
    button(root, 'Save roles per campaign').click();
    await waitUntil(() => w.api.find('PUT', /u-li\/campaign-roles$/).length === 1);
    expect(w.api.find('PUT', /u-li\/campaign-roles$/)[0].body).to.deep.equal({
      roles: { [OTHER]: 'none' },
    });
    await announced(el, 'Roles per campaign of 李明 saved.');
    await waitUntil(() => !root.querySelector('#per-campaign-u-li'));
    expect(focused()?.id).to.equal('roles-button-u-li');
    expect(root.querySelector('tbody')!.textContent).to.include(`${OTHER}: No access`);
  });

  it('the header and the views go by the role on the campaign shown, the switcher lists only those with a role', async () => {
    const w = new World({ me: { role: 'moderator' } });
    w.campaigns.push(campaignSummary(OTHER, 'Voices of the Riverside'));
    w.campaigns.push(campaignSummary('harbour', 'Harbour'));
    w.campaignRoles.set(w.me.id, { [OTHER]: 'viewer', harbour: 'none' });
    const el = await openConsole(w, `?campaign=${OTHER}`);
    await waitUntil(() => shadow(el).querySelector('select#campaign'));
    const options = [...shadow(el).querySelectorAll('select#campaign option')].map((o) =>
      o.getAttribute('value'),
    );
    expect(options).to.deep.equal([CAMPAIGN, OTHER]);
    expect(deepText(shadow(el).querySelector('.who')!)).to.include('Viewer');
  });

  it('an admin of the campaign shown gets its privacy view, not the staff accounts', async () => {
    const w = new World({ me: { role: 'moderator' } });
    w.campaignRoles.set(w.me.id, { [CAMPAIGN]: 'admin' });
    const el = await openConsole(w, '?view=privacy');
    await waitUntil(() => shadow(el).querySelector('newsroom-privacy'), 'the privacy view');
    const nav = shadow(el).querySelector('nav')!.textContent;
    expect(nav).to.include('Privacy');
    expect(nav).not.to.include('Staff');
    expect(deepText(shadow(el).querySelector('.who')!)).to.include('Admin');
    await cleanUp();
    const m = new World({ me: { role: 'admin' } });
    m.campaignRoles.set(m.me.id, { [CAMPAIGN]: 'viewer' });
    const other = await openConsole(m, '?view=privacy');
    await waitUntil(() => shadow(other).querySelector('newsroom-queue'), 'back to the queue');
    expect(shadow(other).querySelector('nav')!.textContent)
      .to.include('Staff')
      .and.not.include('Privacy');
  });
});

for (const locale of ['en', 'zh-Hans'] as Locale[]) {
  describe(`newsroom console: campaigns accessibility (${locale})`, () => {
    beforeEach(() => localStorage.setItem('newsroom-console:locale', locale));
    afterEach(cleanUp);

    it('the campaigns view with its form, and with refused fields', async () => {
      const w = new World({ me: { role: 'admin', locale } });
      const { el, root } = await openView(w, 'campaigns', 'newsroom-campaigns');
      await waitUntil(() => root.querySelectorAll('tbody tr').length === 1);
      expect(document.documentElement.lang).to.equal(locale);
      await expect(el).to.be.accessible();
      w.api.on('POST', '/v1/staff/campaigns', () => ({
        status: 400,
        body: {
          statusCode: 400,
          code: 'validation',
          message: 'Some fields are not valid',
          fields: [
            { field: 'id', code: 'invalid' },
            { field: 'text.zh-Hans.title', code: 'required' },
          ],
        },
      }));
      root.querySelector('form')!.requestSubmit();
      await waitUntil(() => root.querySelector('.summary'));
      await expect(el).to.be.accessible();
    });

    it('the staff view with an account’s roles per campaign open', async () => {
      const w = new World({ me: { role: 'admin', locale } });
      w.campaigns.push(campaignSummary(OTHER, 'Voices of the Riverside'));
      const { el, root } = await openView(w, 'staff', 'newsroom-staff');
      await waitUntil(() => root.querySelectorAll('tbody tr').length === 3);
      root.querySelector<HTMLButtonElement>('#roles-button-u-li')!.click();
      await waitUntil(() => root.querySelector('#per-campaign-u-li'));
      await expect(el).to.be.accessible();
    });
  });
}
