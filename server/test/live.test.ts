/**
 * The fan-out's resume logic against a slow store (as a networked database would be):
 * events committed while a replay is being read must be neither lost nor repeated.
 */
import assert from 'node:assert/strict';
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
