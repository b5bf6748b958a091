/**
 * The fan-out's resume logic against a slow store (as a networked database would be):
 * events committed while a replay is being read must be neither lost nor repeated.
 * And its share per client: one address cannot take every stream slot.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { API, approve, delay, makeServer, openStream, submit, validBody } from './helpers.js';

function slowStore(mode: 'before-read' | 'after-read'): Store {
  const store = new SqliteStore({ dataDir: ':memory:' });
  const eventsAfter = store.eventsAfter.bind(store);
  store.eventsAfter = async (campaignId, afterId, limit) => {
    if (mode === 'before-read') await delay(150);
    const page = await eventsAfter(campaignId, afterId, limit);
    if (mode === 'after-read') await delay(150);
    return page;
  };
  return store;
}

for (const mode of ['before-read', 'after-read'] as const) {
  describe(`resume with a store that is slow ${mode}`, () => {
    it('delivers every event exactly once, in id order', async () => {
      const store = slowStore(mode);
      const server = await makeServer({ store });
      try {
        const app = server.app;
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const response = await submit(app, validBody({ message: `Before the stream ${i}.` }));
          ids.push(response.json().id);
        }
        const start = await store.lastEventId('spirit-of-chongqing');
        for (const id of ids) await approve(app, id);

        const streamPromise = openStream(`${server.url}${API}/quotes/stream?lastEventId=${start}`);
        await delay(40); // the replay is now in progress
        const during: string[] = [];
        for (let i = 0; i < 3; i++) {
          const response = await submit(app, validBody({ message: `During the replay ${i}.` }));
          during.push(response.json().id);
          await approve(app, response.json().id);
        }
        const stream = await streamPromise;
        try {
          const events = await stream.waitFor(6);
          await delay(250);
          assert.equal(stream.events.length, 6, 'no repeats');
          assert.deepEqual(
            events.map((e) => JSON.parse(e.data).id),
            [...ids, ...during],
          );
          const eventIds = events.map((e) => Number(e.id));
          assert.deepEqual(
            eventIds,
            [...eventIds].sort((a, b) => a - b),
          );
        } finally {
          stream.close();
        }
      } finally {
        await server.close();
        await store.close();
      }
    });
  });
}

interface StreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The JSON body of a refusal; null for an open stream. */
  body: unknown;
  close(): void;
}

/** Opens the quote stream from a chosen local address; a refusal is read whole. */
function stream(
  url: string,
  from: string,
  headers: Record<string, string> = {},
): Promise<StreamAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}${API}/quotes/stream`, {
      headers: { accept: 'text/event-stream', ...headers },
      agent: false,
      localAddress: from,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const answer = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        close: () => request.destroy(),
      };
      if (answer.status === 200) return resolve({ ...answer, body: null });
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ ...answer, body: JSON.parse(text) }));
    });
  });
}

describe('live streams per address', () => {
  it('holds up to the cap from one address, refuses the next in the API shape, frees a closed slot', async () => {
    const server = await makeServer({ maxStreamClientsPerAddress: 3 });
    const open: StreamAnswer[] = [];
    try {
      for (let i = 0; i < 3; i++) open.push(await stream(server.url, '127.0.0.1'));
      assert.deepEqual(
        open.map((answer) => answer.status),
        [200, 200, 200],
      );

      const refused = await stream(server.url, '127.0.0.1');
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '30');
      assert.equal(refused.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(refused.body, {
        statusCode: 429,
        code: 'rate_limited',
        message: 'Too many live connections from your network; try again soon',
      });

      const other = await stream(server.url, '127.0.0.2');
      assert.equal(other.status, 200, 'another address still connects');
      open.push(other);

      open.shift()!.close();
      const deadline = Date.now() + 2_000;
      let again = await stream(server.url, '127.0.0.1');
      while (again.status !== 200 && Date.now() < deadline) {
        await delay(50);
        again = await stream(server.url, '127.0.0.1');
      }
      assert.equal(again.status, 200, 'a closed stream frees its slot');
      open.push(again);
      assert.equal(server.app.hub.clientCount, 4);
    } finally {
      for (const answer of open) answer.close();
      await server.close();
    }
  });

  it('counts readers behind a trusted proxy by their forwarded address', async () => {
    const server = await makeServer({ maxStreamClientsPerAddress: 1, trustProxy: ['127.0.0.1'] });
    const open: StreamAnswer[] = [];
    try {
      const reader = { 'x-forwarded-for': '203.0.113.7' };
      open.push(await stream(server.url, '127.0.0.1', reader));
      assert.equal(open[0].status, 200);
      assert.equal((await stream(server.url, '127.0.0.1', reader)).status, 429);
      const neighbour = await stream(server.url, '127.0.0.1', { 'x-forwarded-for': '203.0.113.8' });
      open.push(neighbour);
      assert.equal(neighbour.status, 200, 'the proxy is not one reader');
    } finally {
      for (const answer of open) answer.close();
      await server.close();
    }
  });

  it('keeps the global cap', async () => {
    const server = await makeServer({ maxStreamClients: 2 });
    const open: StreamAnswer[] = [];
    try {
      open.push(await stream(server.url, '127.0.0.1'), await stream(server.url, '127.0.0.2'));
      const refused = await stream(server.url, '127.0.0.3');
      assert.equal(refused.status, 503);
      assert.equal((refused.body as { code: string }).code, 'unavailable');
    } finally {
      for (const answer of open) answer.close();
      await server.close();
    }
  });
});
