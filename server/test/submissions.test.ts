import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { StaffSubmission, StaffSubmissionPage } from '../../src/api/wire.js';
import {
  addCampaign,
  API,
  countRows,
  makeApp,
  newKey,
  staff,
  submit,
  validBody,
} from './helpers.js';

async function staffGet(app: FastifyInstance, id: string): Promise<StaffSubmission> {
  const response = await app.inject({ url: `${API}/submissions/${id}`, headers: staff });
  assert.equal(response.statusCode, 200);
  return response.json();
}

function fieldCodes(body: { fields?: { field: string; code: string }[] }) {
  return Object.fromEntries((body.fields ?? []).map((f) => [f.field, f.code]));
}

describe('POST submissions', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ allowedOrigins: ['https://partner.example'] });
  });
  after(() => app.close());

  it('accepts a valid submission with 202 pending and stores it for review', async () => {
    const rows = await countRows(app);
    const response = await submit(app, validBody());
    assert.equal(response.statusCode, 202);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['id', 'receivedAt', 'status']);
    assert.equal(body.status, 'pending');
    assert.ok(!Number.isNaN(Date.parse(body.receivedAt)));
    assert.equal(await countRows(app), rows + 1);
    const stored = await staffGet(app, body.id);
    assert.equal(stored.status, 'pending');
    assert.equal(stored.email, 'reader@example.org');
    assert.equal(stored.district?.name, 'Yuzhong');
  });

  it('returns the first answer for a retry with the same key and body, storing nothing new', async () => {
    const key = newKey();
    const first = await submit(app, validBody({ message: 'Retry me, I am the same message.' }), {
      key,
    });
    const rows = await countRows(app);
    const second = await submit(app, validBody({ message: 'Retry me, I am the same message.' }), {
      key,
    });
    assert.equal(second.statusCode, 202);
    assert.deepEqual(second.json(), first.json());
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(await countRows(app), rows);
  });

  it('answers 409 idempotency_conflict for the same key with another body', async () => {
    const key = newKey();
    await submit(app, validBody({ message: 'The first body for this key.' }), { key });
    const rows = await countRows(app);
    const response = await submit(app, validBody({ message: 'A different body, same key.' }), {
      key,
    });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().code, 'idempotency_conflict');
    assert.equal(await countRows(app), rows);
  });

  it('requires a well-formed Idempotency-Key', async () => {
    for (const key of [null, '', 'short', 'has space in it', 'x'.repeat(201)]) {
      const response = await submit(app, validBody(), { key });
      assert.equal(response.statusCode, 400, String(key));
      assert.equal(response.json().code, 'idempotency_key_required');
    }
  });

  it('reports each invalid field with its code and stores nothing', async () => {
    const rows = await countRows(app);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ message: undefined }, 'message', 'required'],
      [{ message: '   ' }, 'message', 'required'],
      [{ message: 'too short' }, 'message', 'too_short'],
      [{ message: 'x'.repeat(1001) }, 'message', 'too_long'],
      [{ message: 'x'.repeat(5000) }, 'message', 'too_long'],
      [{ message: 42 }, 'message', 'invalid'],
      [{ displayName: null }, 'displayName', 'required'],
      [{ displayName: '  ' }, 'displayName', 'required'],
      [{ displayName: 'n'.repeat(61) }, 'displayName', 'too_long'],
      [{ district: 'atlantis' }, 'district', 'unknown_district'],
      [{ email: 'not-an-email' }, 'email', 'invalid_email'],
      [{ email: 'a@b' }, 'email', 'invalid_email'],
      [{ consentGiven: false }, 'consentGiven', 'consent_required'],
      [{ consentVersion: '2023-01' }, 'consentVersion', 'consent_outdated'],
      [{ publishPermission: 'yes' }, 'publishPermission', 'invalid'],
      [{ anonymous: undefined }, 'anonymous', 'required'],
      [{ locale: 'fr' }, 'locale', 'invalid'],
      [{ extra: 'field' }, 'extra', 'invalid'],
      [{ message: 'Hello there\u0000, this has a NUL' }, 'message', 'control_characters'],
      [{ message: 'Bell \u0007 rings in this message' }, 'message', 'control_characters'],
      [{ message: 'A C1 control \u0085 in this message' }, 'message', 'control_characters'],
      [{ message: 'Bidi override \u202E evil text here' }, 'message', 'control_characters'],
      [{ displayName: 'Two\nlines' }, 'displayName', 'control_characters'],
      [{ displayName: 'Tab\there' }, 'displayName', 'control_characters'],
      [{ message: 'A lone surrogate \ud800 is not Unicode' }, 'message', 'invalid'],
    ];
    for (const [change, field, code] of cases) {
      const body: Record<string, unknown> = { ...validBody(), ...change };
      for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k];
      const response = await submit(app, body);
      assert.equal(response.statusCode, 400, `${field} ${code}: ${response.body}`);
      const json = response.json();
      assert.equal(json.code, 'validation');
      assert.equal(json.statusCode, 400);
      assert.equal(
        fieldCodes(json)[field],
        code,
        `${JSON.stringify(change).slice(0, 60)} → ${response.body}`,
      );
    }
    assert.equal(await countRows(app), rows);
  });

  it('reports several bad fields at once', async () => {
    const response = await submit(
      app,
      validBody({ district: 'nowhere', email: 'nope', consentGiven: false }),
    );
    assert.deepEqual(fieldCodes(response.json()), {
      district: 'unknown_district',
      email: 'invalid_email',
      consentGiven: 'consent_required',
    });
  });

  it('rejects bodies that are not JSON objects or not valid UTF-8', async () => {
    for (const payload of ['not json', '[1,2]', '"text"', 'null']) {
      const response = await submit(app, payload);
      assert.equal(response.statusCode, 400, payload);
      assert.equal(response.json().code, 'validation');
      assert.equal(fieldCodes(response.json()).body, 'invalid');
    }
    const json = JSON.stringify(validBody({ message: 'Invalid bytes: XX here, honestly.' }));
    const bytes = Buffer.from(json, 'utf8');
    const at = bytes.indexOf('XX');
    bytes[at] = 0xc3; // a lead byte followed by ASCII: not UTF-8
    bytes[at + 1] = 0x28;
    const response = await submit(app, bytes);
    assert.equal(response.statusCode, 400);
    assert.equal(fieldCodes(response.json()).body, 'invalid');
  });

  it('normalises text: NFC, CR LF to LF, trimmed; anonymous drops the name', async () => {
    const response = await submit(
      app,
      validBody({
        message: '  Cafe\u0301 by the river\r\nsecond line\rthird\u2028fourth\t(tab)  ',
        displayName: 'Someone',
        anonymous: true,
        email: '',
        district: null,
      }),
    );
    assert.equal(response.statusCode, 202, response.body);
    const stored = await staffGet(app, response.json().id);
    assert.equal(stored.message, 'Café by the river\nsecond line\nthird\nfourth\t(tab)');
    assert.equal(stored.message.normalize('NFC'), stored.message);
    assert.equal(stored.displayName, null);
    assert.equal(stored.anonymous, true);
    assert.equal(stored.email, null);
    assert.equal(stored.district, null);
  });

  it('stores text as sent, without HTML escaping', async () => {
    const message = '<script>alert("hi")</script> & 重庆 🌶️ is hot';
    const response = await submit(app, validBody({ message }));
    assert.equal((await staffGet(app, response.json().id)).message, message);
  });

  it('quietly accepts and discards a filled-in honeypot', async () => {
    const rows = await countRows(app);
    const key = newKey();
    const response = await submit(app, validBody({ website: 'http://spam.example' }), { key });
    assert.equal(response.statusCode, 202);
    assert.equal(response.json().status, 'pending');
    assert.ok(response.json().id);
    const again = await submit(app, { ...validBody(), message: 1, website: 'spam' }, { key });
    assert.equal(again.statusCode, 202, 'even an invalid bot body learns nothing');
    assert.equal(again.json().id, response.json().id);
    assert.equal(await countRows(app), rows);
    const empty = await submit(app, validBody({ website: '' }));
    assert.equal(empty.statusCode, 202);
    assert.equal(await countRows(app), rows + 1, 'an empty honeypot is a person');
  });

  it('answers 413 for a JSON body over the limit', async () => {
    const response = await submit(
      app,
      JSON.stringify({ ...validBody(), message: 'x'.repeat(70_000) }),
    );
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().code, 'payload_too_large');
  });

  it('answers 415 for other content types', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await submit(app, 'message=hi', { headers: { 'content-type': type } });
      assert.equal(response.statusCode, 415, type);
      assert.equal(response.json().code, 'unsupported_media_type');
    }
  });

  it('answers 404 for an unknown campaign', async () => {
    const response = await submit(app, validBody(), { campaign: 'no-such-campaign' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'not_found');
  });

  it('answers 409 campaign_closed for a closed or expired campaign, before reading the body', async () => {
    await addCampaign(app, { id: 'closed-one', status: 'closed' });
    await addCampaign(app, { id: 'expired-one', closesAt: Date.now() - 1000 });
    for (const campaign of ['closed-one', 'expired-one']) {
      const response = await submit(app, 'not even json', { campaign });
      assert.equal(response.statusCode, 409, campaign);
      assert.equal(response.json().code, 'campaign_closed');
      const info = await app.inject(`/v1/campaigns/${campaign}`);
      assert.equal(info.json().status, 'closed');
    }
  });

  it('lets only allowed origins submit (CORS allowlist), and the API’s own origin', async () => {
    const before = await countRows(app);
    const denied = await submit(app, validBody(), { headers: { origin: 'https://evil.example' } });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'origin_not_allowed');
    assert.match(denied.json().message, /add https:\/\/evil\.example as a partner site/);
    // Readable by the page, so its widget can tell the reader (and stop retrying).
    assert.equal(denied.headers['access-control-allow-origin'], 'https://evil.example');
    assert.match(String(denied.headers.vary), /Origin/);
    assert.equal(await countRows(app), before, 'nothing stored');

    const partner = await submit(app, validBody(), {
      headers: { origin: 'https://partner.example' },
    });
    assert.equal(partner.statusCode, 202);
    assert.equal(partner.headers['access-control-allow-origin'], 'https://partner.example');
    assert.match(String(partner.headers.vary), /Origin/);

    const own = await submit(app, validBody(), {
      headers: { origin: 'http://api.test:8787', host: 'api.test:8787' },
    });
    assert.equal(own.statusCode, 202);

    const nullOrigin = await submit(app, validBody(), { headers: { origin: 'null' } });
    assert.equal(nullOrigin.statusCode, 403);
  });

  it('answers CORS preflights for any origin (the request itself is refused)', async () => {
    const ok = await app.inject({
      method: 'OPTIONS',
      url: `${API}/submissions`,
      headers: {
        origin: 'https://partner.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    assert.equal(ok.statusCode, 204);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://partner.example');
    assert.match(String(ok.headers['access-control-allow-headers']), /Idempotency-Key/i);
    const other = await app.inject({
      method: 'OPTIONS',
      url: `${API}/submissions`,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(other.statusCode, 204);
    assert.equal(other.headers['access-control-allow-origin'], 'https://evil.example');
    const refused = await submit(app, validBody(), { headers: { origin: 'https://evil.example' } });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'origin_not_allowed');
  });

  it('never puts a pending submission or an email on a public endpoint', async () => {
    const secret = `Pending words ${Date.now()} must stay private`;
    const email = `private-${Date.now()}@example.org`;
    await submit(app, validBody({ message: secret, email }));
    const rejected = await submit(app, validBody({ message: `${secret} (rejected)`, email }));
    await app.inject({
      method: 'POST',
      url: `${API}/submissions/${rejected.json().id}/reject`,
      headers: staff,
    });
    for (const url of [API, `${API}/quotes?limit=100`, `${API}/stories`, '/']) {
      const body = (await app.inject(url)).body;
      assert.ok(!body.includes(secret), url);
      assert.ok(!body.includes(email), url);
    }
    const page = await app.inject({ url: `${API}/submissions?status=pending`, headers: staff });
    assert.ok(page.json<StaffSubmissionPage>().items.some((i) => i.message === secret));
  });
});

describe('rate limit', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ rateLimit: { max: 3, windowMs: 60_000 } });
  });
  after(() => app.close());

  it('answers 429 with Retry-After once a client exceeds the limit', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await submit(app, validBody({ message: `Allowed message number ${i}` }))).statusCode,
        202,
      );
    }
    const rows = await countRows(app);
    const response = await submit(app, validBody({ message: 'One too many messages.' }));
    assert.equal(response.statusCode, 429);
    assert.equal(response.json().code, 'rate_limited');
    const retryAfter = Number(response.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.equal(await countRows(app), rows);
    const other = await app.inject({
      method: 'POST',
      url: `${API}/submissions`,
      remoteAddress: '10.1.2.3',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
      payload: JSON.stringify(validBody()),
    });
    assert.equal(other.statusCode, 202, 'another client is not limited');
  });
});
