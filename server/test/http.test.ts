/** Over real HTTP: concurrency, live stream, resume, and the process entry point. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Quote, QuotePage, SubmissionAccepted } from '../../src/api/wire.js';
import type { RunningServer } from '../src/app.js';
import {
  API,
  delay,
  makeServer,
  multipart,
  newKey,
  openStream,
  png,
  staff,
  tempDir,
  validBody,
} from './helpers.js';

async function post(server: RunningServer, body: unknown, key = newKey()) {
  const response = await fetch(`${server.url}${API}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as SubmissionAccepted };
}

async function staffPost(server: RunningServer, url: string) {
  const response = await fetch(`${server.url}${API}${url}`, { method: 'POST', headers: staff });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

async function newApproved(server: RunningServer, message: string): Promise<string> {
  const { body } = await post(server, validBody({ message }));
  await staffPost(server, `/submissions/${body.id}/approve`);
  return body.id;
}

async function rowCount(server: RunningServer): Promise<number> {
  const counts = await server.app.store.countSubmissions('spirit-of-chongqing');
  return counts.pending + counts.approved + counts.rejected + counts.removed;
}

describe('over real HTTP', () => {
  let server: RunningServer;
  before(async () => {
    server = await makeServer({ heartbeatMs: 200, retryMs: 1500 });
  });
  after(() => server.close());

  it('stores one row for ten parallel POSTs with one Idempotency-Key', async () => {
    const rows = await rowCount(server);
    const key = newKey();
    const body = validBody({ message: 'Sent ten times at once by a nervous network.' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(server, body, key)));
    for (const answer of answers) assert.equal(answer.status, 202);
    assert.equal(new Set(answers.map((a) => a.body.id)).size, 1, 'one id for all');
    assert.equal(new Set(answers.map((a) => a.body.receivedAt)).size, 1, 'the first answer');
    assert.equal(await rowCount(server), rows + 1);
  });

  it('stores one row and one photo for ten parallel multipart POSTs with one key', async () => {
    const rows = await rowCount(server);
    const key = newKey();
    const form = multipart(validBody({ message: 'Ten times with a photo attached.' }), {
      bytes: await png(900, 600),
      type: 'image/png',
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`${server.url}${API}/submissions`, {
          method: 'POST',
          headers: { 'content-type': form.contentType, 'idempotency-key': key },
          body: form.payload,
        });
        return { status: response.status, body: (await response.json()) as SubmissionAccepted };
      }),
    );
    for (const answer of answers) assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
    assert.equal(await rowCount(server), rows + 1);
    const db = (server.app.store as unknown as { db: import('better-sqlite3').Database }).db;
    const photos = db
      .prepare('SELECT count(*) FROM photos WHERE submission_id = ?')
      .pluck()
      .get(answers[0].body.id);
    assert.equal(photos, 1);
  });

  it('streams quote and remove events with increasing ids, a retry hint and heartbeats', async () => {
    const stream = await openStream(`${server.url}${API}/quotes/stream`);
    try {
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      assert.equal(stream.headers['access-control-allow-origin'], '*');
      assert.equal(stream.headers['cache-control'], 'no-store');
      await stream.waitForComment(/heartbeat/, 2000);
      assert.equal(stream.retry, 1500);
      const id = await newApproved(server, 'Live on the wall right now.');
      const [added] = await stream.waitFor(1);
      assert.equal(added.event, 'quote');
      const quote = JSON.parse(added.data) as Quote;
      assert.equal(quote.id, id);
      assert.equal(quote.text, 'Live on the wall right now.');
      await staffPost(server, `/submissions/${id}/remove`);
      const events = await stream.waitFor(2);
      assert.equal(events[1].event, 'remove');
      assert.deepEqual(JSON.parse(events[1].data), { id });
      assert.ok(Number(events[1].id) > Number(events[0].id));
      // a pending or rejected item never appears on the stream
      const { body } = await post(server, validBody({ message: 'Rejected, never streamed.' }));
      const reject = await fetch(`${server.url}${API}/submissions/${body.id}/reject`, {
        method: 'POST',
        headers: staff,
      });
      assert.equal(reject.status, 200);
      await newApproved(server, 'A marker after the rejection.');
      const after = await stream.waitFor(3);
      assert.equal(after.length, 3);
      assert.ok(!after.some((e) => e.data.includes('Rejected, never streamed.')));
    } finally {
      stream.close();
    }
  });

  it('localizes district names in stream events', async () => {
    const stream = await openStream(`${server.url}${API}/quotes/stream?locale=zh-Hans`);
    try {
      await delay(50);
      await newApproved(server, 'District names follow the stream locale.');
      const [event] = await stream.waitFor(1);
      assert.deepEqual(JSON.parse(event.data).district, { id: 'yuzhong', name: '渝中区' });
    } finally {
      stream.close();
    }
  });

  it('resumes across a dropped connection with nothing missed or repeated', async () => {
    const page = (await (await fetch(`${server.url}${API}/quotes`)).json()) as QuotePage;
    const first = await openStream(
      `${server.url}${API}/quotes/stream?lastEventId=${page.lastEventId}`,
    );
    const a = await newApproved(server, 'Resume test: quote A.');
    const [eventA] = await first.waitFor(1);
    assert.equal(JSON.parse(eventA.data).id, a);
    first.close();
    await first.ended;

    // while disconnected: two approvals and a removal
    const b = await newApproved(server, 'Resume test: quote B.');
    const c = await newApproved(server, 'Resume test: quote C.');
    await staffPost(server, `/submissions/${a}/remove`);

    const second = await openStream(`${server.url}${API}/quotes/stream`, {
      'last-event-id': eventA.id!,
    });
    try {
      const replayed = await second.waitFor(3);
      assert.deepEqual(
        replayed.map((e) => [e.event, JSON.parse(e.data).id]),
        [
          ['quote', b],
          ['quote', c],
          ['remove', a],
        ],
      );
      const d = await newApproved(server, 'Resume test: quote D, live again.');
      const all = await second.waitFor(4);
      assert.equal(JSON.parse(all[3].data).id, d);
      await delay(100);
      assert.equal(second.events.length, 4, 'nothing repeated');
      const ids = all.map((e) => Number(e.id));
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
      );
      assert.ok(ids[0] > Number(eventA.id));
      assert.equal(new Set(ids).size, ids.length);
    } finally {
      second.close();
    }
  });

  it('replays from a QuotePage lastEventId while events keep arriving', async () => {
    const page = (await (await fetch(`${server.url}${API}/quotes`)).json()) as QuotePage;
    const expected: string[] = [];
    for (let i = 0; i < 5; i++)
      expected.push(await newApproved(server, `Burst before connecting ${i}.`));
    const stream = await openStream(
      `${server.url}${API}/quotes/stream?lastEventId=${page.lastEventId}`,
    );
    try {
      // approvals race the replay
      const during = await Promise.all(
        Array.from({ length: 5 }, (_, i) => newApproved(server, `Burst while replaying ${i}.`)),
      );
      const events = await stream.waitFor(10);
      await delay(100);
      assert.equal(stream.events.length, 10);
      const got = events.map((e) => JSON.parse(e.data).id);
      assert.deepEqual(got.slice(0, 5), expected);
      assert.deepEqual(new Set(got.slice(5)), new Set(during));
      const ids = events.map((e) => Number(e.id));
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
      );
    } finally {
      stream.close();
    }
  });

  it('rejects a malformed Last-Event-ID and an unknown campaign', async () => {
    const bad = await fetch(`${server.url}${API}/quotes/stream`, {
      headers: { 'last-event-id': 'abc' },
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'validation');
    const unknown = await fetch(`${server.url}/v1/campaigns/nope/quotes/stream`);
    assert.equal(unknown.status, 404);
  });

  it('ends open streams when the server closes', async () => {
    const other = await makeServer();
    const stream = await openStream(`${other.url}${API}/quotes/stream`);
    const started = Date.now();
    await other.close();
    await stream.ended;
    assert.ok(Date.now() - started < 3000);
  });
});

describe('main.ts', () => {
  it('honours PORT=0 and HOST, prints the listening line, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, '..', 'src', 'main.ts')],
      {
        env: {
          ...process.env,
          PORT: '0',
          HOST: '127.0.0.1',
          CAMPAIGN_DATA_DIR: dataDir,
          CAMPAIGN_ADMIN_TOKEN: 'spawned-token-123',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 90_000);
      child.stdout.on('data', () => {
        const match = /campaign-api listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(output);
        if (match && /Staff token.*\n/.test(output)) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    assert.doesNotMatch(url, /:0$/);
    assert.match(output, /Staff token\s+set\b/);
    assert.ok(!output.includes('spawned-token-123'), 'the service token is never printed');
    const response = await fetch(`${url}${API}`);
    assert.equal(response.status, 200);
    const staffList = await fetch(`${url}${API}/submissions`, {
      headers: { authorization: 'Bearer spawned-token-123' },
    });
    assert.equal(staffList.status, 200);
    const stream = await openStream(`${url}${API}/quotes/stream`);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
    await stream.ended;
    assert.match(output, /campaign-api stopped/);
  });
});
