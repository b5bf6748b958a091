import { expect, waitUntil } from '@open-wc/testing';
import { ApiFailure, ConsoleApi } from '../../console/src/api/client.js';
import { formatWhen } from '../../console/src/i18n/format.js';
import { matchLocale } from '../../console/src/i18n/locale.js';
import { filtersFromUrl, queueQuery, writeFilters } from '../../console/src/queue/filters.js';
import { FakeApi, failure } from './support/fake-api.js';
import { CAMPAIGN } from './support/world.js';

describe('newsroom console: API client, formats, filters', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi().install();
  });
  afterEach(() => api.restore());

  const client = (options = {}) => {
    const c = new ConsoleApi(options);
    c.campaign = CAMPAIGN;
    c.retryDelays = [5];
    return c;
  };

  it('sends the CSRF token on changes only, always with the same-origin cookie', async () => {
    api.on('GET', '/v1/staff/session', { body: { csrfToken: 'tok-9', campaigns: [CAMPAIGN] } });
    api.on('GET', /\/queue$/, { body: { items: [], next: null, counts: {}, origins: [] } });
    api.on('POST', /\/decision$/, { body: { id: 's1' } });
    const c = client();
    await c.getSession();
    await c.queue({ status: 'pending', q: '', after: null });
    await c.decide('s1', { action: 'approve', version: 3 });
    const [session, queue, decision] = api.requests;
    expect(session.headers['x-csrf-token']).to.be.undefined;
    expect(queue.headers['x-csrf-token']).to.be.undefined;
    expect(queue.query.toString()).to.equal('status=pending');
    expect(decision.headers['x-csrf-token']).to.equal('tok-9');
    expect(decision.headers['content-type']).to.equal('application/json');
    expect(api.requests.every((r) => r.credentials === 'same-origin')).to.be.true;
  });

  it('reads a new CSRF token and tries once more after csrf_failed', async () => {
    let token = 'old';
    api.on('GET', '/v1/staff/session', () => ({ body: { csrfToken: token, campaigns: [] } }));
    api.on('POST', /\/decision$/, (r) =>
      r.headers['x-csrf-token'] === 'new' ? { body: { id: 's1' } } : failure(403, 'csrf_failed'),
    );
    const c = client();
    await c.getSession();
    token = 'new';
    expect(await c.decide('s1', { action: 'approve', version: 1 })).to.deep.equal({ id: 's1' });
    expect(api.find('POST', /decision/).map((r) => r.headers['x-csrf-token'])).to.deep.equal([
      'old',
      'new',
    ]);
  });

  it('turns error answers into ApiFailures with the code, details and Retry-After; 401 ends the session', async () => {
    let ended = 0;
    const c = client({ onUnauthorized: () => ended++ });
    api.on(
      'POST',
      /\/bulk$/,
      failure(429, 'rate_limited', 'slow', { headers: { 'retry-after': '30' } }),
    );
    api.on('GET', /\/audit$/, failure(401, 'unauthorized'));
    api.on('POST', '/v1/staff/session', failure(401, 'unauthorized'));
    const limited = await c.bulk({ action: 'approve', items: [] }).catch((e: unknown) => e);
    expect(limited).to.be.instanceOf(ApiFailure);
    expect((limited as ApiFailure).code).to.equal('rate_limited');
    expect((limited as ApiFailure).retryAfter).to.equal(30);
    await c.audit({}).catch(() => undefined);
    expect(ended).to.equal(1);
    // A wrong password is an answer, not an ended session.
    await c.signIn('a@b.example', 'wrong').catch(() => undefined);
    expect(ended).to.equal(1);
  });

  it('keeps trying while the network is down, says so, and says when it is back', async () => {
    const states: boolean[] = [];
    const c = client({ onConnectivity: (offline: boolean) => states.push(offline) });
    let tries = 0;
    api.on('GET', /\/queue$/, () =>
      ++tries < 4 ? 'network' : { body: { items: [], next: null, counts: {}, origins: [] } },
    );
    await c.queue({});
    expect(tries).to.equal(4);
    expect(states).to.deep.equal([true, false]);
    // An aborted request stops trying.
    const controller = new AbortController();
    api.on('GET', /\/queue$/, () => 'network');
    const pending = c.queue({}, controller.signal).catch((e: unknown) => e);
    await waitUntil(() => c.offline);
    controller.abort();
    expect(await pending).to.be.instanceOf(DOMException);
  });

  it('formats times as "14:02" today and "Dec 1, 14:02" / "12月1日 14:02" otherwise, in the browser’s zone', () => {
    const now = new Date(2026, 11, 8, 18, 30);
    expect(formatWhen(new Date(2026, 11, 8, 14, 2), 'en', now)).to.equal('14:02');
    expect(formatWhen(new Date(2026, 11, 8, 14, 2), 'zh-Hans', now)).to.equal('14:02');
    expect(formatWhen(new Date(2026, 11, 1, 9, 5), 'en', now)).to.equal('Dec 1, 09:05');
    expect(formatWhen(new Date(2026, 11, 1, 9, 5), 'zh-Hans', now)).to.equal('12月1日 09:05');
    expect(formatWhen(new Date(2025, 2, 24, 8, 0), 'zh-Hans', now)).to.equal('2025年3月24日 08:00');
  });

  it('maps language tags to the console’s two languages', () => {
    expect(['zh', 'zh-CN', 'zh-Hans-CN', 'zh-SG'].map(matchLocale)).to.deep.equal(
      Array(4).fill('zh-Hans'),
    );
    expect(['zh-TW', 'zh-Hant', 'en-GB', 'fr', ''].map(matchLocale)).to.deep.equal(
      Array(5).fill('en'),
    );
  });

  it('reads the queue view from the URL, writes only what differs from the defaults, and asks the API the same', () => {
    const filters = filtersFromUrl(
      new URLSearchParams('status=rejected&q=火锅&photo=yes&from=2026-12-01&flag=nonsense&order=x'),
    );
    expect(filters).to.include({ tab: 'rejected', q: '火锅', photo: 'yes', from: '2026-12-01' });
    expect(filters.flag).to.equal('');
    expect(filters.order).to.equal('oldest');
    const params = new URLSearchParams('view=queue&status=approved&locale=en');
    writeFilters(filters, params);
    expect(params.toString()).to.equal(
      `view=queue&status=rejected&q=${encodeURIComponent('火锅')}&photo=yes&from=2026-12-01`,
    );
    expect(queueQuery(filters, 'cursor-1')).to.include({
      status: 'rejected',
      q: '火锅',
      photo: 'yes',
      from: '2026-12-01',
      after: 'cursor-1',
      limit: 50,
    });
  });
});
