import { expect, waitUntil } from '@open-wc/testing';
import type { Locale } from '../../src/api/wire.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../src/api/webhooks.js';
import { failure } from './support/fake-api.js';
import { button, cleanUp, deepText, openConsole, settle, shadow } from './support/console.js';
import { CAMPAIGN, World } from './support/world.js';

const HOOKS = `/v1/campaigns/${CAMPAIGN}/staff/webhooks`;

function endpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: 'wh_aaaaaaaaaaaaaaaa',
    url: 'https://hooks.example.org/campaign',
    events: ['submission.approved', 'submission.removed'],
    enabled: true,
    description: 'Slack bridge',
    secretHint: 'x9Qz',
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    updatedAt: new Date(Date.now() - 86_400_000).toISOString(),
    pending: 1,
    failed: 1,
    ...overrides,
  };
}

const delivery = (overrides: Partial<WebhookDelivery>): WebhookDelivery => ({
  id: '1',
  eventId: 'evt_0123456789abcdef0123456789abcdef',
  event: 'submission.approved',
  status: 'delivered',
  attempts: 1,
  nextAttemptAt: null,
  lastStatus: 200,
  lastError: null,
  createdAt: new Date(Date.now() - 3_600_000).toISOString(),
  deliveredAt: new Date(Date.now() - 3_600_000).toISOString(),
  submissionId: 's1',
  ...overrides,
});

/** A world with an admin and one endpoint, its deliveries, and the webhook routes. */
function world(locale: Locale = 'en') {
  const w = new World({ me: { role: 'admin', locale } });
  const endpoints = [endpoint()];
  w.api.on('GET', HOOKS, () => ({ body: { items: endpoints, max: 20 } }));
  w.api.on('POST', HOOKS, (r) => {
    const made = endpoint({
      id: 'wh_bbbbbbbbbbbbbbbb',
      url: r.body.url,
      events: r.body.events,
      description: r.body.description,
      secretHint: 'S3cr',
      pending: 0,
      failed: 0,
    });
    endpoints.push(made);
    return { status: 201, body: { endpoint: made, secret: 'whsec_the-one-time-secret-S3cr' } };
  });
  w.api.on('GET', `${HOOKS}/wh_aaaaaaaaaaaaaaaa/deliveries`, {
    body: {
      items: [
        delivery({
          id: '2',
          status: 'failed',
          attempts: 12,
          lastStatus: 500,
          lastError: 'HTTP 500',
          deliveredAt: null,
          event: 'submission.removed',
        }),
        delivery({ id: '1' }),
      ],
      next: null,
    },
  });
  w.api.on('POST', /\/deliveries\/\d+\/resend$/, {
    body: delivery({ id: '2', status: 'pending', attempts: 0 }),
  });
  return w;
}

async function openWebhooks(w: World) {
  const el = await openConsole(w, '?view=webhooks');
  await waitUntil(
    () => shadow(el).querySelector('newsroom-webhooks')?.shadowRoot?.querySelector('li'),
    'the webhook list',
  );
  const view = shadow(el).querySelector('newsroom-webhooks')!;
  await settle(view);
  return { el, view, root: shadow(view) };
}

async function addOne(root: ShadowRoot, view: Element) {
  button(root, 'Add a webhook').click();
  await settle(view);
  const url = root.querySelector<HTMLInputElement>('#wh-url')!;
  url.value = 'https://archive.example.org/in';
  url.dispatchEvent(new Event('input'));
  const boxes = [...root.querySelectorAll<HTMLInputElement>('input[name="events"]')];
  // "Submission received" on (approved was on already).
  boxes[0].click();
  await settle(view);
  root.querySelector('form')!.requestSubmit();
}

describe('newsroom console: webhooks', () => {
  afterEach(cleanUp);

  it('lists endpoints with their events and counts, and adds one: its secret is shown once, with a copy button', async () => {
    const w = world();
    const { el, view, root } = await openWebhooks(w);
    const text = deepText(root);
    expect(text).to.include('Slack bridge');
    expect(text).to.include('Submission approved, Quote removed');
    expect(text).to.include('Secret ending in x9Qz');
    expect(text).to.include('1 failed');
    expect(text).to.include('Enabled');

    await addOne(root, view);
    await waitUntil(() => root.querySelector('.secret'), 'the secret');
    const [post] = w.api.find('POST', /\/staff\/webhooks$/);
    expect(post.body).to.deep.equal({
      url: 'https://archive.example.org/in',
      events: ['submission.received', 'submission.approved'],
      description: '',
      enabled: true,
    });
    expect(post.headers['x-csrf-token']).to.equal('csrf-1');
    expect(root.querySelector('#wh-secret')!.textContent).to.equal(
      'whsec_the-one-time-secret-S3cr',
    );
    expect(shadow(view).activeElement?.id).to.equal('wh-secret-title');
    await waitUntil(() => deepText(el).includes('shown only once'), 'announced');
    button(root, 'I have kept it').click();
    await settle(view);
    expect(root.querySelector('.secret')).to.equal(null);
    expect(deepText(root)).to.not.include('whsec_the-one-time-secret');
  });

  it('keeps what was typed and says why when the API refuses the address', async () => {
    const w = world();
    w.api.on('POST', HOOKS, {
      status: 400,
      body: {
        statusCode: 400,
        code: 'validation',
        message: 'The URL points to a private or internal address',
        fields: [
          {
            field: 'url',
            code: 'invalid',
            message: 'The URL points to a private or internal address.',
          },
        ],
      },
    });
    const { view, root } = await openWebhooks(w);
    await addOne(root, view);
    await waitUntil(() => root.querySelector('#wh-url-error'), 'the field error');
    const url = root.querySelector<HTMLInputElement>('#wh-url')!;
    expect(url.value).to.equal('https://archive.example.org/in');
    expect(url.getAttribute('aria-invalid')).to.equal('true');
    expect(url.getAttribute('aria-describedby')).to.include('wh-url-error');
    expect(shadow(view).activeElement).to.equal(url);
    expect(root.querySelector('[role="alert"]')!.textContent).to.include('private or internal');
  });

  it('shows an endpoint’s deliveries with failures, and resends one', async () => {
    const w = world();
    const { el, view, root } = await openWebhooks(w);
    const toggle = button(root, 'Recent deliveries');
    toggle.click();
    await waitUntil(() => root.querySelector('tbody tr'), 'the deliveries');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows[0].textContent).to.include('Failed: no more attempts');
    expect(rows[0].textContent).to.include('HTTP 500');
    expect(rows[0].textContent).to.include('12');
    expect(rows[1].textContent).to.include('Delivered');
    button(rows[0], 'Resend').click();
    await waitUntil(() => w.api.find('POST', /\/resend$/).length === 1, 'the resend');
    expect(w.api.find('POST', /\/resend$/)[0].path).to.equal(
      `${HOOKS}/wh_aaaaaaaaaaaaaaaa/deliveries/2/resend`,
    );
    await waitUntil(() => deepText(el).includes('Delivery sent again.'), 'announced');
    await settle(view);
  });

  it('deletes an endpoint after asking, and keeps the focus in the view', async () => {
    const w = world();
    w.api.on('DELETE', /\/staff\/webhooks\/wh_[\w-]+$/, { status: 204 });
    const { view, root } = await openWebhooks(w);
    const confirmed = window.confirm;
    window.confirm = () => true;
    try {
      button(root, 'Delete').click();
      await waitUntil(() => w.api.find('DELETE', /\/webhooks\//).length === 1, 'the delete');
      await waitUntil(() => shadow(view).activeElement?.localName === 'h2', 'focus on the heading');
    } finally {
      window.confirm = confirmed;
    }
    expect(w.api.find('DELETE', /\/webhooks\//)[0].path).to.equal(`${HOOKS}/wh_aaaaaaaaaaaaaaaa`);
  });

  it('is not offered to a moderator', async () => {
    const w = new World({ me: { role: 'moderator' } });
    const el = await openConsole(w, '?view=webhooks');
    await waitUntil(() => shadow(el).querySelector('nav'), 'the app');
    await settle(el);
    expect(shadow(el).querySelector('newsroom-webhooks')).to.equal(null);
    expect(deepText(shadow(el).querySelector('nav')!)).to.not.include('Webhooks');
    expect(w.api.find('GET', /\/webhooks/)).to.have.length(0);
  });
});

for (const locale of ['en', 'zh-Hans'] as Locale[]) {
  describe(`newsroom console: webhooks accessibility (${locale})`, () => {
    beforeEach(() => localStorage.setItem('newsroom-console:locale', locale));
    afterEach(cleanUp);

    it('the list, the form, the secret and the deliveries', async () => {
      const w = world(locale);
      const { el, view, root } = await openWebhooks(w);
      expect(root.querySelector('h2')!.textContent).to.equal(
        locale === 'en' ? 'Webhooks' : 'Webhook 推送',
      );
      await expect(el).to.be.accessible();
      root.querySelectorAll<HTMLButtonElement>('button[aria-expanded]')[0].click();
      await waitUntil(() => root.querySelector('tbody tr'), 'the deliveries');
      await expect(el).to.be.accessible();
      root.querySelector<HTMLButtonElement>('button.primary')!.click();
      await settle(view);
      await expect(el).to.be.accessible();
      const url = root.querySelector<HTMLInputElement>('#wh-url')!;
      url.value = 'https://archive.example.org/in';
      url.dispatchEvent(new Event('input'));
      await settle(view);
      root.querySelector('form')!.requestSubmit();
      await waitUntil(() => root.querySelector('.secret'), 'the secret');
      await expect(el).to.be.accessible();
    });

    it('no webhooks yet, and a list that does not load', async () => {
      const w = new World({ me: { role: 'admin', locale } });
      w.api.on('GET', HOOKS, { body: { items: [], max: 20 } });
      const el = await openConsole(w, '?view=webhooks');
      const view = () => shadow(el).querySelector('newsroom-webhooks');
      await waitUntil(() => view()?.shadowRoot?.querySelector('button.primary'), 'the empty list');
      await expect(el).to.be.accessible();
      await cleanUp();
      const failing = new World({ me: { role: 'admin', locale } });
      failing.api.on('GET', HOOKS, failure(500, 'internal'));
      const again = await openConsole(failing, '?view=webhooks');
      await waitUntil(
        () =>
          shadow(again)
            .querySelector('newsroom-webhooks')
            ?.shadowRoot?.querySelector('[role="alert"]'),
        'the error',
      );
      await expect(again).to.be.accessible();
    });
  });
}
