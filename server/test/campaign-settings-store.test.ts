/**
 * The store's part of campaign settings, the same test on SQLite and on PostgreSQL: the
 * districts a campaign's submissions name (whatever their status), which keeps a
 * district in use from being removed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { TEST_DATABASE_URL, describePostgres, testSchema } from './pg-support.js';

function suite(open: () => Promise<{ store: Store; dispose: () => Promise<void> }>) {
  let store: Store;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ store, dispose } = await open());
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'c-one' });
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'c-two' });
  });
  after(() => dispose());

  let n = 0;
  async function submit(campaignId: string, district: string | null): Promise<string> {
    const id = randomUUID();
    const result = await store.createSubmission({
      submission: {
        id,
        campaignId,
        message: 'The hills of this city teach patience.',
        displayName: null,
        anonymous: true,
        district,
        email: null,
        locale: 'en',
        publishPermission: true,
        consentVersion: DEMO_CAMPAIGN.consentVersion,
        receivedAt: Date.now(),
        origin: null,
      },
      photo: null,
      idempotencyKey: `cs-key-${process.pid}-${++n}`,
      bodyHash: `hash-${id}`,
    });
    assert.equal(result.kind, 'created');
    return id;
  }

  it('lists each district the campaign’s submissions name once, sorted, of any status', async () => {
    assert.deepEqual(await store.districtsInUse('c-one'), []);
    await submit('c-one', 'yuzhong');
    await submit('c-one', 'yuzhong');
    const rejected = await submit('c-one', 'jiangbei');
    await submit('c-one', null);
    await submit('c-two', 'nanan');
    await store.transition('c-one', rejected, 'reject', Date.now());
    assert.deepEqual(await store.districtsInUse('c-one'), ['jiangbei', 'yuzhong']);
    assert.deepEqual(await store.districtsInUse('c-two'), ['nanan']);
    assert.deepEqual(await store.districtsInUse('unknown'), []);
  });

  it('frees a district once the only submission naming it is deleted for good', async () => {
    const id = await submit('c-two', 'shapingba');
    assert.ok((await store.districtsInUse('c-two')).includes('shapingba'));
    await store.deleteSubmission('c-two', id);
    assert.ok(!(await store.districtsInUse('c-two')).includes('shapingba'));
  });
}

describe('campaign settings store (SQLite)', () => {
  suite(async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    return { store, dispose: () => store.close() };
  });
});

describePostgres('campaign settings store (PostgreSQL)', () => {
  suite(async () => {
    const { schema, drop } = testSchema();
    const store = new PgStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.migrate();
    return {
      store,
      dispose: async () => {
        await store.close();
        await drop();
      },
    };
  });
});
