import { expect } from '@open-wc/testing';
import { CampaignApiClient } from '../src/api/client.js';
import {
  AbortedError,
  CampaignApiError,
  HttpError,
  NetworkError,
  ParseError,
  TimeoutError,
} from '../src/api/errors.js';
import type { SubmissionRequest } from '../src/api/wire.js';

// The test runner's own server answers /__test/* (see test/support/endpoints.mjs):
// real HTTP, real failures.
const client = new CampaignApiClient(location.origin, 'demo', { timeout: 5000 });
const at = (path: string) => `${location.origin}/__test/${path}`;

async function failure(promise: Promise<unknown>): Promise<CampaignApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CampaignApiError);
    return error as CampaignApiError;
  }
  throw new Error('expected the request to fail');
}

describe('CampaignApiClient', () => {
  it('builds campaign URLs with encoded ids and query', () => {
    const c = new CampaignApiClient('https://api.example.org/', 'spirit of/cq');
    expect(c.url('/quotes', { limit: 10, before: undefined, locale: 'zh-Hans' })).to.equal(
      'https://api.example.org/v1/campaigns/spirit%20of%2Fcq/quotes?limit=10&locale=zh-Hans',
    );
    expect(c.quoteStreamUrl(42)).to.equal(
      'https://api.example.org/v1/campaigns/spirit%20of%2Fcq/quotes/stream?lastEventId=42',
    );
  });

  it('resolves a relative API base against the page', () => {
    const c = new CampaignApiClient('/api', 'demo');
    expect(c.url()).to.equal(`${location.origin}/api/v1/campaigns/demo`);
  });

  it('parses a JSON answer', async () => {
    expect(await client.request(at('json?q=hi'))).to.deep.equal({ ok: true, echo: 'hi' });
  });

  it('fails with TimeoutError when no answer comes in time', async () => {
    const error = await failure(client.request(at('slow?ms=3000'), {}, { timeout: 150 }));
    expect(error).to.be.instanceOf(TimeoutError);
    expect(error.code).to.equal('timeout');
    expect(error.retryable).to.equal(true);
    expect((error as TimeoutError).timeoutMs).to.equal(150);
  });

  it('fails with NetworkError when the connection drops', async () => {
    const error = await failure(client.request(at('drop')));
    expect(error).to.be.instanceOf(NetworkError);
    expect(error.kind).to.equal('network');
    expect(error.retryable).to.equal(true);
  });

  it('fails with NetworkError when nothing listens', async () => {
    const dead = new CampaignApiClient('http://127.0.0.1:9', 'demo');
    const error = await failure(dead.getCampaign());
    expect(error).to.be.instanceOf(NetworkError);
  });

  it('fails with HttpError carrying the status and the server’s code', async () => {
    const error = await failure(client.request(at('status?status=409&code=campaign_closed')));
    expect(error).to.be.instanceOf(HttpError);
    expect((error as HttpError).status).to.equal(409);
    expect(error.code).to.equal('campaign_closed');
    expect(error.retryable).to.equal(false);
  });

  it('passes field errors and Retry-After through', async () => {
    const fieldError = (await failure(
      client.request(at('status?status=400&code=validation&field=message')),
    )) as HttpError;
    expect(fieldError.fields).to.deep.equal([{ field: 'message', code: 'too_short' }]);

    const limited = (await failure(
      client.request(at('status?status=429&code=rate_limited&retryAfter=30')),
    )) as HttpError;
    expect(limited.retryAfter).to.equal(30);
    expect(limited.retryable).to.equal(true);
  });

  it('names an HTTP error by its status when the body is not the API’s', async () => {
    const error = (await failure(client.request(at('html-error')))) as HttpError;
    expect(error).to.be.instanceOf(HttpError);
    expect(error.status).to.equal(502);
    expect(error.code).to.equal('http_502');
    expect(error.retryable).to.equal(true);
  });

  it('fails with ParseError on a 200 that is not JSON', async () => {
    const error = await failure(client.request(at('not-json')));
    expect(error).to.be.instanceOf(ParseError);
  });

  it('fails with AbortedError when the caller aborts, and does not wait', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = client.request(at('slow?ms=3000'), {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error).to.be.instanceOf(AbortedError);
    expect(performance.now() - started).to.be.below(2500);
  });

  it('fails at once when given an already aborted signal', async () => {
    const error = await failure(client.request(at('json'), {}, { signal: AbortSignal.abort() }));
    expect(error).to.be.instanceOf(AbortedError);
  });

  it('sends one request per call: no hidden retries', async () => {
    let calls = 0;
    const counting = new CampaignApiClient(location.origin, 'demo', {
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await failure(counting.request(at('status?status=503&code=unavailable')));
    expect(calls).to.equal(1);
  });
});

describe('CampaignApiClient.submit', () => {
  // The form endpoints (test/support/form-endpoints.mjs) store one id per key and keep
  // what the last submission carried.
  const room = () => `client-${Math.random().toString(36).slice(2)}`;
  const body: SubmissionRequest = {
    message: 'Chongqing people climb a thousand steps a day.',
    displayName: 'Li Wei',
    anonymous: false,
    district: null,
    email: null,
    consentGiven: true,
    consentVersion: '1',
    publishPermission: true,
    locale: 'en',
  };
  const last = async (r: string) =>
    (await (await fetch(`/__cf/${r}/stats`)).json()) as {
      posts: number;
      last: { type: string; key: string; body: string };
    };

  it('posts the body as JSON under its Idempotency-Key; the same key, the same id', async () => {
    const r = room();
    const c = new CampaignApiClient(`${location.origin}/__cf/${r}`, 'spirit-of-chongqing');
    const first = await c.submit(body, 'key-1');
    expect(first.status).to.equal('pending');
    const stats = await last(r);
    expect(stats.last.type).to.equal('application/json');
    expect(stats.last.key).to.equal('key-1');
    expect(JSON.parse(stats.last.body)).to.deep.equal(body);
    expect((await c.submit(body, 'key-1')).id).to.equal(first.id);
    expect((await c.submit(body, 'key-2')).id).not.to.equal(first.id);
  });

  it('sends a photo as multipart (data, photo) by XMLHttpRequest, reporting progress', async () => {
    const r = room();
    const c = new CampaignApiClient(`${location.origin}/__cf/${r}`, 'spirit-of-chongqing');
    const { open } = XMLHttpRequest.prototype;
    const opened: string[] = [];
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string) {
      opened.push(`${method} ${url}`);
      return open.call(this, method, url, true);
    };
    const photo = new Blob([new Uint8Array(256 * 1024)], { type: 'image/jpeg' });
    const fractions: number[] = [];
    try {
      await c.submit(body, 'key-photo', { photo, onProgress: (f) => fractions.push(f) });
    } finally {
      XMLHttpRequest.prototype.open = open;
    }
    expect(opened).to.deep.equal([`POST ${c.url('/submissions')}`]);
    const stats = await last(r);
    expect(stats.last.type).to.match(/^multipart\/form-data; boundary=/);
    expect(stats.last.key).to.equal('key-photo');
    expect(stats.last.body)
      .to.contain('name="data"')
      .and.contain('name="photo"; filename="photo.jpg"');
    expect(stats.last.body).to.contain(JSON.stringify(body));
    for (const f of fractions) expect(f).to.be.within(0, 1);
  });

  it('fails with AbortedError when aborted mid-upload', async () => {
    const c = new CampaignApiClient(`${location.origin}/__cf/${room()}`, 'spirit-of-chongqing');
    const controller = new AbortController();
    const pending = c.submit(body, 'key-abort', {
      signal: controller.signal,
      onProgress: () => undefined,
    });
    controller.abort();
    expect(await failure(pending)).to.be.instanceOf(AbortedError);
  });
});
