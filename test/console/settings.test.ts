import { expect, waitUntil } from '@open-wc/testing';
import type { CampaignSettings, CampaignSettingsUpdate } from '../../src/api/campaign-settings.js';
import type { Locale } from '../../src/api/wire.js';
import { failure, type Answer } from './support/fake-api.js';
import {
  button,
  cleanUp,
  focused,
  hasButton,
  openConsole,
  settle,
  shadow,
} from './support/console.js';
import { CAMPAIGN, World } from './support/world.js';

const SETTINGS = `/v1/campaigns/${CAMPAIGN}/staff/settings`;

function settingsDefaults(overrides: Partial<CampaignSettings> = {}): CampaignSettings {
  return {
    revision: 4,
    locales: ['zh-Hans', 'en'],
    defaultLocale: 'zh-Hans',
    status: 'open',
    closesAt: null,
    readerStatus: 'open',
    consent: {
      version: '2024-03',
      text: {
        en: 'I agree the newsroom may publish my words.',
        'zh-Hans': '我同意编辑部发布我的话。',
      },
    },
    pastConsentVersions: ['2024-01'],
    privacyPolicyUrl: '/privacy',
    districts: [
      { id: 'yuzhong', names: { en: 'Yuzhong', 'zh-Hans': '渝中区' } },
      { id: 'jiangbei', names: { en: 'Jiangbei', 'zh-Hans': '江北区' } },
      { id: 'nanan', names: { en: 'Nan’an', 'zh-Hans': '南岸区' } },
    ],
    districtsInUse: ['yuzhong'],
    limits: {
      messageMinLength: 10,
      messageMaxLength: 1000,
      displayNameMaxLength: 60,
      photoMaxBytes: 5 * 1024 * 1024,
      photoMaxDimension: 2048,
      photoTypes: ['image/jpeg', 'image/png', 'image/webp'],
    },
    ...overrides,
  };
}

/** The fake API's settings: GET answers them; PUT checks the revision, then `reply` or saves. */
function withSettings(w: World, settings = settingsDefaults()) {
  const state = { settings, reply: null as Answer | null };
  w.api.on('GET', SETTINGS, () => ({ body: structuredClone(state.settings) }));
  w.api.on('PUT', SETTINGS, (r) => {
    const body = r.body as CampaignSettingsUpdate;
    if (state.reply) return state.reply;
    if (body.revision !== state.settings.revision) {
      return failure(409, 'stale', 'stale', { details: { current: state.settings } });
    }
    state.settings = {
      ...state.settings,
      status: body.status,
      closesAt: body.closesAt,
      consent: body.consent,
      privacyPolicyUrl: body.privacyPolicyUrl,
      districts: body.districts,
      limits: body.limits,
      revision: state.settings.revision + 1,
      readerStatus: body.status,
    };
    return { body: structuredClone(state.settings) };
  });
  return state;
}

const puts = (w: World) =>
  w.api.find('PUT', /\/staff\/settings$/).map((r) => r.body as CampaignSettingsUpdate);

async function openSettings(w: World) {
  const el = await openConsole(w, '?view=settings');
  await waitUntil(
    () => shadow(el).querySelector('newsroom-settings')?.shadowRoot?.querySelector('form'),
    'the settings form',
  );
  const view = shadow(el).querySelector('newsroom-settings')!;
  await settle(view);
  return { el, view, root: shadow(view) };
}

const field = <T extends HTMLElement = HTMLInputElement>(root: ShadowRoot, id: string) => {
  const found = root.querySelector<T>(`[id="${id}"]`);
  if (!found) throw new Error(`no #${id}`);
  return found;
};

function type(root: ShadowRoot, id: string, value: string) {
  const el = field<HTMLInputElement | HTMLTextAreaElement>(root, id);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

const errorOf = (root: ShadowRoot, id: string) =>
  root.querySelector(`[id="${id}-error"]`)?.textContent.trim() ?? null;

describe('newsroom console: campaign settings', () => {
  afterEach(cleanUp);

  it('is in the navigation; a viewer reads it only, and it links to the safety settings', async () => {
    const w = new World({ me: { role: 'viewer' } });
    withSettings(w);
    const { el, root, view } = await openSettings(w);
    const nav = shadow(el).querySelector('nav.views')!;
    expect(nav.querySelector('a[aria-current="page"]')!.textContent.trim()).to.equal('Settings');
    expect(root.textContent).to.include('Only an admin can change these settings.');
    expect(field(root, 'consentVersion').value).to.equal('2024-03');
    expect(field(root, 'consent.zh-Hans').getAttribute('lang')).to.equal('zh-Hans');
    expect(field(root, 'd-1-zh-Hans').value).to.be.oneOf(['渝中区', '江北区', '南岸区']);
    expect(root.querySelector('#toggle')).to.be.null;
    expect(hasButton(root, 'Save')).to.be.false;
    expect(hasButton(root, /Remove district/)).to.be.false;
    for (const input of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
      'input:not([type="checkbox"]), textarea',
    )) {
      expect(input.readOnly, input.id).to.be.true;
    }
    for (const box of root.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) {
      expect(box.disabled).to.be.true;
    }
    root.querySelector('form')!.requestSubmit();
    await settle(view);
    expect(puts(w)).to.have.length(0);

    const link = [...root.querySelectorAll('a')].find((a) => a.textContent.includes('Safety'))!;
    link.click();
    await waitUntil(() => shadow(el).querySelector('newsroom-safety'), 'the safety view');
    expect(new URL(location.href).searchParams.get('view')).to.equal('safety');
  });

  it('closes the campaign after a confirmation, sending only the status, and keeps what is typed', async () => {
    const w = new World({ me: { role: 'admin' } });
    const state = withSettings(w);
    const { root, view } = await openSettings(w);
    expect(root.querySelector('#state')!.textContent).to.include('Open');
    type(root, 'privacyPolicyUrl', 'https://typed.example/privacy');

    field(root, 'toggle').click();
    const dialog = root.querySelector('dialog')!;
    expect(dialog.open).to.be.true;
    expect(dialog.textContent).to.include('Close the campaign now?');
    button(dialog, 'Cancel').click();
    expect(dialog.open).to.be.false;
    expect(puts(w)).to.have.length(0, 'nothing sent without the confirmation');

    field(root, 'toggle').click();
    button(dialog, 'Close the campaign').click();
    await waitUntil(() => puts(w).length === 1, 'the change is sent');
    await settle(view);
    const [sent] = puts(w);
    expect(sent.status).to.equal('closed');
    expect(sent.revision).to.equal(4);
    expect(sent.privacyPolicyUrl).to.equal('/privacy', 'only the status changes');
    expect(sent.districts).to.deep.equal(settingsDefaults().districts);
    expect(state.settings.status).to.equal('closed');
    expect(root.querySelector('#state')!.textContent).to.include('Closed');
    expect(root.querySelector('[role="status"].ok')!.textContent).to.include('closed');
    expect(field(root, 'privacyPolicyUrl').value).to.equal('https://typed.example/privacy');
    expect(focused()?.id).to.equal('toggle');

    field(root, 'toggle').click();
    expect(dialog.textContent).to.include('Reopen the campaign now?');
    button(dialog, 'Reopen the campaign').click();
    await waitUntil(() => puts(w).length === 2);
    expect(puts(w)[1]).to.include({ status: 'open', revision: 5 });
  });

  it('reopening a campaign whose closing time has passed removes that time, and says so first', async () => {
    const w = new World({ me: { role: 'admin' } });
    const passed = new Date(Date.now() - 3_600_000).toISOString();
    withSettings(w, settingsDefaults({ closesAt: passed, readerStatus: 'closed' }));
    const { root } = await openSettings(w);
    expect(root.querySelector('#state')!.textContent).to.include('closing time passed');
    field(root, 'toggle').click();
    const dialog = root.querySelector('dialog')!;
    expect(dialog.textContent).to.include('reopening removes it');
    button(dialog, 'Reopen the campaign').click();
    await waitUntil(() => puts(w).length === 1);
    expect(puts(w)[0]).to.include({ status: 'open', closesAt: null });
  });

  it('saves the exact body: the closing time in UTC, limits as numbers, a new district', async () => {
    const w = new World({ me: { role: 'admin' } });
    withSettings(w);
    const { root, view } = await openSettings(w);
    expect(root.textContent).to.include(Intl.DateTimeFormat().resolvedOptions().timeZone);
    type(root, 'closesAt', '2031-05-01T18:30');
    type(root, 'consentVersion', '2024-06');
    type(root, 'consent.en', 'New words.');
    type(root, 'photoMaxKb', '2048');
    type(root, 'messageMaxLength', '800');
    const jpeg = root.querySelector<HTMLInputElement>('input[value="image/webp"]')!;
    jpeg.click();
    button(root, 'Add a district').click();
    await settle(view);
    const id = focused() as HTMLInputElement;
    expect(id.id).to.match(/^d-\d+-id$/, 'focus moves to the new district');
    const key = id.id.split('-')[1];
    type(root, id.id, 'shapingba');
    type(root, `d-${key}-en`, 'Shapingba');
    type(root, `d-${key}-zh-Hans`, '沙坪坝区');
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => puts(w).length === 1);
    await settle(view);
    const [sent] = puts(w);
    expect(sent.closesAt).to.equal(new Date('2031-05-01T18:30').toISOString());
    expect(sent.consent).to.deep.equal({
      version: '2024-06',
      text: { 'zh-Hans': '我同意编辑部发布我的话。', en: 'New words.' },
    });
    expect(sent.limits).to.deep.equal({
      ...settingsDefaults().limits,
      messageMaxLength: 800,
      photoMaxBytes: 2048 * 1024,
      photoTypes: ['image/jpeg', 'image/png'],
    });
    expect(sent.districts.at(-1)).to.deep.equal({
      id: 'shapingba',
      names: { en: 'Shapingba', 'zh-Hans': '沙坪坝区' },
    });
    expect(root.textContent).to.include('Campaign settings saved.');
  });

  it('sends an unchanged closing time back exactly as stored, seconds included', async () => {
    const w = new World({ me: { role: 'admin' } });
    const closesAt = '2031-05-01T10:00:30.500Z';
    withSettings(w, settingsDefaults({ closesAt }));
    const { root } = await openSettings(w);
    expect(field(root, 'closesAt').value).to.match(/^2031-05-01T\d\d:00$/);
    type(root, 'privacyPolicyUrl', 'https://newsroom.example/privacy');
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => puts(w).length === 1);
    expect(puts(w)[0].closesAt).to.equal(closesAt);
  });

  it('keeps a district that submissions name, and moves focus on removing another', async () => {
    const w = new World({ me: { role: 'admin' } });
    withSettings(w);
    const { root, view } = await openSettings(w);
    const fieldsets = [...root.querySelectorAll('fieldset.district')];
    expect(fieldsets[0].textContent).to.include('Named by submissions: kept.');
    expect(fieldsets[0].querySelector('button')).to.be.null;
    button(root, 'Remove district 2').click();
    await settle(view);
    expect(root.querySelectorAll('fieldset.district')).to.have.length(2);
    expect(focused()?.textContent?.trim()).to.equal('Remove district 2', 'the next one');
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => puts(w).length === 1);
    expect(puts(w)[0].districts.map((d) => d.id)).to.deep.equal(['yuzhong', 'nanan']);
  });

  it('shows each refused field beside it and in a focused summary, keeping what was typed', async () => {
    const w = new World({ me: { role: 'admin' } });
    const state = withSettings(w);
    const { root, view } = await openSettings(w);
    type(root, 'consent.en', 'Changed words.');
    type(root, 'photoMaxKb', '99999');
    state.reply = {
      status: 422,
      body: {
        statusCode: 422,
        code: 'validation',
        message: 'Some settings are not valid',
        fields: [
          { field: 'consent.version', code: 'consent_version_required' },
          { field: 'limits.photoMaxBytes', code: 'out_of_range' },
          { field: 'districts.1.id', code: 'duplicate' },
          { field: 'closesAt', code: 'in_the_past' },
        ],
      },
    };
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => root.querySelector('.summary'));
    await settle(view);
    expect(focused()?.classList.contains('summary')).to.be.true;
    expect(errorOf(root, 'consentVersion')).to.include('give it a new version');
    expect(field(root, 'consentVersion').getAttribute('aria-invalid')).to.equal('true');
    expect(field(root, 'consentVersion').getAttribute('aria-describedby')).to.include(
      'consentVersion-error',
    );
    expect(errorOf(root, 'photoMaxKb')).to.include('range');
    expect(errorOf(root, 'closesAt')).to.include('has passed');
    const second = root.querySelectorAll('fieldset.district')[1];
    expect(second.querySelector('.error')!.textContent).to.include('listed twice');
    expect(field<HTMLTextAreaElement>(root, 'consent.en').value).to.equal('Changed words.');
    expect(field(root, 'photoMaxKb').value).to.equal('99999');
    // A link in the summary takes focus to its field.
    root.querySelector<HTMLAnchorElement>('.summary a[href="#photoMaxKb"]')!.click();
    expect(focused()?.id).to.equal('photoMaxKb');
  });

  it('after a stale save says what someone else changed, keeps the typing, and saves on their revision', async () => {
    const w = new World({ me: { role: 'admin' } });
    const state = withSettings(w);
    const { root, view } = await openSettings(w);
    type(root, 'messageMaxLength', '900');
    // Someone else closes it and changes the privacy policy meanwhile.
    state.settings = {
      ...state.settings,
      revision: 9,
      status: 'closed',
      readerStatus: 'closed',
      privacyPolicyUrl: 'https://newsroom.example/privacy',
    };
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => root.textContent.includes('Changed by someone else meanwhile'));
    await settle(view);
    const notice = root.querySelector('[role="status"].notice')!.textContent;
    expect(notice).to.include('Open or closed');
    expect(notice).to.include('Privacy policy');
    expect(notice).not.to.include('Districts');
    expect(root.querySelector('[role="alert"]')!.textContent).to.include(
      'What you typed is still here',
    );
    expect(field(root, 'messageMaxLength').value).to.equal('900');
    expect(root.querySelector('#state')!.textContent).to.include('Closed');
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => puts(w).length === 2);
    expect(puts(w)[1].revision).to.equal(9);
    expect(puts(w)[1].limits.messageMaxLength).to.equal(900);
  });
});

for (const locale of ['en', 'zh-Hans'] as Locale[]) {
  describe(`newsroom console: campaign settings accessibility (${locale})`, () => {
    beforeEach(() => localStorage.setItem('newsroom-console:locale', locale));
    afterEach(cleanUp);

    it('the settings, with errors shown, and the confirmation open', async () => {
      const w = new World({ me: { role: 'admin', locale } });
      const state = withSettings(w);
      const { el, root, view } = await openSettings(w);
      await expect(el).to.be.accessible();
      state.reply = {
        status: 422,
        body: {
          statusCode: 422,
          code: 'validation',
          message: 'Some settings are not valid',
          fields: [
            { field: 'consent.version', code: 'consent_version_required' },
            { field: 'districts', code: 'district_in_use' },
          ],
        },
      };
      root.querySelector('form')!.requestSubmit();
      await waitUntil(() => root.querySelector('.summary'));
      await settle(view);
      if (locale === 'zh-Hans') {
        expect(errorOf(root, 'consentVersion')).to.match(/[\u4e00-\u9fff]/);
        expect(root.querySelector('#districts-error')!.textContent).to.match(/[\u4e00-\u9fff]/);
      }
      await expect(el).to.be.accessible();
      field(root, 'toggle').click();
      await expect(el).to.be.accessible();
    });

    it('read-only for a viewer', async () => {
      const w = new World({ me: { role: 'viewer', locale } });
      withSettings(w);
      const { el } = await openSettings(w);
      await expect(el).to.be.accessible();
    });
  });
}
