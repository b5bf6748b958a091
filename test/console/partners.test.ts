import { expect, waitUntil } from '@open-wc/testing';
import type { PartnerList, PartnerSite } from '../../src/api/partners.js';
import type { StaffRole } from '../../src/api/newsroom.js';
import type { Locale } from '../../src/api/wire.js';
import { button, cleanUp, deepText, openConsole, settle, shadow } from './support/console.js';
import { CAMPAIGN, World } from './support/world.js';

const PARTNERS = `/v1/campaigns/${CAMPAIGN}/staff/partners`;

function partner(overrides: Partial<PartnerSite> = {}): PartnerSite {
  return {
    id: 'p-evening',
    name: 'Evening Post',
    origins: ['https://www.evening.example', 'https://m.evening.example'],
    contact: 'web@evening.example',
    enabled: true,
    version: 3,
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    updatedAt: new Date(Date.now() - 3_600_000).toISOString(),
    figures: { submissions: 1234, published: 56, openWalls: 7 },
    ...overrides,
  };
}

/** A world with one partner and the partner routes, as `role`. */
function world(role: StaffRole = 'admin', locale: Locale = 'en') {
  const w = new World({ me: { role, locale } });
  const partners = [partner()];
  const answer = (): PartnerList => ({
    items: partners,
    configuredOrigins: ['https://configured.example'],
    unassigned: [
      { origin: 'https://stranger.example', submissions: 2, published: 0, openWalls: 1 },
    ],
    limits: { partners: 200, originsPerPartner: 20 },
  });
  w.api.on('GET', PARTNERS, () => ({ body: answer() }));
  w.api.on('POST', PARTNERS, (r) => {
    const made = partner({
      id: 'p-new',
      name: r.body.name,
      origins: r.body.origins,
      contact: r.body.contact,
      enabled: r.body.enabled,
      version: 1,
      figures: { submissions: 0, published: 0, openWalls: 0 },
    });
    partners.push(made);
    return { status: 201, body: made };
  });
  w.api.on('PUT', /\/staff\/partners\/([^/]+)$/, (r, m) => {
    const index = partners.findIndex((p) => p.id === m[1]);
    partners[index] = { ...partners[index], ...r.body, version: partners[index].version + 1 };
    return { body: partners[index] };
  });
  w.api.on('DELETE', /\/staff\/partners\/([^/]+)$/, (_r, m) => {
    partners.splice(
      partners.findIndex((p) => p.id === m[1]),
      1,
    );
    return { body: { id: m[1], deleted: true } };
  });
  return { w, partners };
}

async function openPartners(w: World) {
  const el = await openConsole(w, '?view=partners');
  await waitUntil(
    () => shadow(el).querySelector('newsroom-partners')?.shadowRoot?.querySelector('table'),
    'the partner table',
  );
  const view = shadow(el).querySelector('newsroom-partners')!;
  await settle(view);
  return { el, view, root: shadow(view) };
}

function type(root: ShadowRoot, selector: string, value: string) {
  const field = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)!;
  field.value = value;
  field.dispatchEvent(new Event('input'));
}

async function fillNew(root: ShadowRoot, view: Element, origins: string) {
  button(root, 'Add a partner site').click();
  await settle(view);
  type(root, '#pt-name', '  City Portal ');
  type(root, '#pt-origins', origins);
  type(root, '#pt-contact', 'desk@portal.example');
  await settle(view);
  root.querySelector('form')!.requestSubmit();
}

describe('newsroom console: partner sites', () => {
  const realConfirm = window.confirm;
  afterEach(async () => {
    window.confirm = realConfirm;
    await cleanUp();
  });

  it('lists partners with their origins, contact, status and figures, and the configured origins', async () => {
    const { w } = world();
    const { root } = await openPartners(w);
    const row = root.querySelector('tbody tr')!;
    const text = row.textContent.replace(/\s+/g, ' ');
    expect(text).to.include('Evening Post');
    expect(text).to.include('https://www.evening.example');
    expect(text).to.include('https://m.evening.example');
    expect(text).to.include('web@evening.example');
    expect(text).to.include('Enabled');
    expect(text).to.include('1,234');
    expect(text).to.include('56');
    expect(text).to.include('7');
    const all = deepText(root);
    expect(all).to.include('From the server’s configuration');
    expect(all).to.include('https://configured.example');
    expect(all).to.include('https://stranger.example');
  });

  it('adds a partner (origins one a line), announces it, and focuses the list', async () => {
    const { w } = world();
    const { el, view, root } = await openPartners(w);
    await fillNew(root, view, 'https://portal.example\n\n  https://m.portal.example \n');
    await waitUntil(() => w.api.find('POST', /\/staff\/partners$/).length === 1, 'the POST');
    const [post] = w.api.find('POST', /\/staff\/partners$/);
    expect(post.body).to.deep.equal({
      name: 'City Portal',
      origins: ['https://portal.example', 'https://m.portal.example'],
      contact: 'desk@portal.example',
      enabled: true,
    });
    expect(post.headers['x-csrf-token']).to.equal('csrf-1');
    await waitUntil(() => deepText(el).includes('Partner site City Portal added.'), 'announced');
    await waitUntil(
      () => root.querySelector('table')!.querySelectorAll('tbody tr').length === 2,
      'listed',
    );
    expect(shadow(view).activeElement?.id).to.equal('pt-title');
  });

  it('checks the form before sending, and focuses the first field to fix', async () => {
    const { w } = world();
    const { view, root } = await openPartners(w);
    button(root, 'Add a partner site').click();
    await settle(view);
    root.querySelector('form')!.requestSubmit();
    await settle(view);
    expect(w.api.find('POST', /\/staff\/partners$/)).to.have.length(0);
    const name = root.querySelector<HTMLInputElement>('#pt-name')!;
    expect(name.getAttribute('aria-invalid')).to.equal('true');
    expect(name.getAttribute('aria-describedby')).to.include('pt-name-error');
    expect(root.querySelector('#pt-origins-error')!.textContent).to.include('at least one origin');
    expect(shadow(view).activeElement).to.equal(name);
    // Escape leaves the form and gives the focus back to the button that opened it.
    name.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await settle(view);
    expect(root.querySelector('form')).to.equal(null);
    expect(shadow(view).activeElement?.id).to.equal('pt-add');
    expect(w.api.find('POST', /\/staff\/partners$/)).to.have.length(0);
  });

  it('shows the API’s refusal beside the field, keeping what was typed', async () => {
    const { w } = world();
    w.api.on('POST', PARTNERS, {
      status: 400,
      body: {
        statusCode: 400,
        code: 'validation',
        message: 'Some fields are not valid',
        fields: [{ field: 'origins.1', code: 'invalid', message: 'The origin only' }],
      },
    });
    const { view, root } = await openPartners(w);
    await fillNew(root, view, 'https://portal.example\nhttps://portal.example/news');
    await waitUntil(() => root.querySelector('#pt-origins-error'), 'the field error');
    const origins = root.querySelector<HTMLTextAreaElement>('#pt-origins')!;
    expect(origins.value).to.equal('https://portal.example\nhttps://portal.example/news');
    expect(origins.getAttribute('aria-invalid')).to.equal('true');
    expect(root.querySelector('#pt-origins-error')!.textContent).to.include(
      'Line 2 (https://portal.example/news)',
    );
    expect(shadow(view).activeElement).to.equal(origins);
  });

  it('says which partner already has an origin', async () => {
    const { w } = world();
    w.api.on('POST', PARTNERS, {
      status: 409,
      body: {
        statusCode: 409,
        code: 'origin_taken',
        message: 'taken',
        details: {
          origin: 'https://www.evening.example',
          partner: { id: 'p-evening', name: 'Evening Post' },
        },
      },
    });
    const { view, root } = await openPartners(w);
    await fillNew(root, view, 'https://www.evening.example');
    await waitUntil(() => root.querySelector('#pt-origins-error'), 'the field error');
    expect(root.querySelector('#pt-origins-error')!.textContent).to.include(
      'https://www.evening.example already belongs to the partner site Evening Post',
    );
  });

  it('disables a partner with its version, and deletes one after asking', async () => {
    const { w } = world();
    const { el, root } = await openPartners(w);
    button(root, /^\s*Disable/).click();
    await waitUntil(() => w.api.find('PUT', /\/partners\/p-evening$/).length === 1, 'the PUT');
    expect(w.api.find('PUT', /\/partners\/p-evening$/)[0].body).to.deep.equal({
      version: 3,
      name: 'Evening Post',
      origins: ['https://www.evening.example', 'https://m.evening.example'],
      contact: 'web@evening.example',
      enabled: false,
    });
    await waitUntil(() => deepText(el).includes('its pages may no longer send'), 'announced');
    await waitUntil(() => deepText(root).includes('Disabled'), 'shown disabled');

    let asked = '';
    window.confirm = (text?: string) => {
      asked = text ?? '';
      return true;
    };
    button(root, /^\s*Delete/).click();
    await waitUntil(() => w.api.find('DELETE', /\/partners\/p-evening$/).length === 1, 'deleted');
    expect(asked).to.include('Evening Post');
    expect(w.api.find('DELETE', /\/partners\/p-evening$/)[0].query.get('version')).to.equal('4');
    await waitUntil(() => deepText(root).includes('No partner sites yet.'), 'gone from the list');
  });

  it('edits from the version shown, and on a stale answer shows the newer one', async () => {
    const { w, partners } = world();
    w.api.on('PUT', /\/partners\/p-evening$/, () => {
      partners[0] = { ...partners[0], name: 'Evening Post (renamed)', version: 9 };
      return {
        status: 409,
        body: {
          statusCode: 409,
          code: 'stale',
          message: 'stale',
          details: { current: partners[0] },
        },
      };
    });
    const { view, root } = await openPartners(w);
    button(root, /^\s*Edit/).click();
    await settle(view);
    expect(shadow(view).activeElement?.id).to.equal('pt-name');
    type(root, '#pt-name', 'Mine');
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => root.querySelector('form [role="alert"]'), 'the stale notice');
    expect(w.api.find('PUT', /\/partners\/p-evening$/)[0].body.version).to.equal(3);
    expect(root.querySelector('form [role="alert"]')!.textContent).to.include(
      'changed this partner site first',
    );
    expect(root.querySelector<HTMLInputElement>('#pt-name')!.value).to.equal(
      'Evening Post (renamed)',
    );
  });

  it('shows a viewer the list with no way to change it, in the navigation too', async () => {
    const { w } = world('viewer');
    const { el, root } = await openPartners(w);
    expect(deepText(shadow(el).querySelector('nav')!)).to.include('Partner sites');
    expect(deepText(root)).to.include('Evening Post');
    expect(deepText(root)).to.include('Only admins can add or change partner sites.');
    expect(root.querySelectorAll('button')).to.have.length(0);
  });
});

for (const locale of ['en', 'zh-Hans'] as Locale[]) {
  describe(`newsroom console: partner sites accessibility (${locale})`, () => {
    beforeEach(() => localStorage.setItem('newsroom-console:locale', locale));
    afterEach(cleanUp);

    it('the list, the form with errors, and a viewer’s list', async () => {
      const { w } = world('admin', locale);
      const { el, view, root } = await openPartners(w);
      await expect(el).to.be.accessible();
      root.querySelector<HTMLButtonElement>('#pt-add')!.click();
      await settle(view);
      await expect(el).to.be.accessible();
      root.querySelector('form')!.requestSubmit();
      await settle(view);
      expect(root.querySelector('#pt-name-error')).to.not.equal(null);
      await expect(el).to.be.accessible();
      if (locale === 'zh-Hans') {
        expect(deepText(root)).to.not.include('Partner sites');
        expect(deepText(root)).to.not.include('Name the partner site.');
      }
      await cleanUp();
      const viewer = world('viewer', locale);
      const opened = await openPartners(viewer.w);
      await expect(opened.el).to.be.accessible();
    });
  });
}
