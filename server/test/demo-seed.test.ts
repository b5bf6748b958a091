import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { QuotePage } from '../../src/api/wire.js';
import { buildApp } from '../src/app.js';
import { DEMO_QUOTES } from '../src/demo/content.js';
import { API, TOKEN, tempDir } from './helpers.js';

const MINUTE = 60_000;

async function wallTimes(dataDir: string): Promise<number[]> {
  const app = await buildApp({
    dataDir,
    adminToken: TOKEN,
    rateLimit: false,
    maxEventLoopDelayMs: false,
  });
  try {
    const page = (await app.inject(`${API}/quotes?limit=50`)).json<QuotePage>();
    return page.items.map((quote) => Date.parse(quote.approvedAt));
  } finally {
    await app.close();
  }
}

describe('the demo wall', () => {
  it('is seeded with times counted back from the first start, kept on every restart', async () => {
    const dataDir = tempDir();
    try {
      const started = Date.now();
      const first = await wallTimes(dataDir);
      const seeded = Date.now();
      assert.equal(first.length, DEMO_QUOTES.length);

      // Newest first, each as long before the first start as its quote says:
      // minutes to days ago, never years.
      const ages = DEMO_QUOTES.map((quote) => quote.approvedMinutesAgo * MINUTE).sort(
        (a, b) => a - b,
      );
      assert.deepEqual(
        [...first].sort((a, b) => b - a),
        first,
        'newest first',
      );
      for (const [index, time] of first.entries()) {
        assert.ok(time <= seeded - ages[index], `quote ${index} is not in the future`);
        assert.ok(time >= started - ages[index], `quote ${index} is not older than its age`);
      }
      assert.ok(seeded - first[0] < 15 * MINUTE, 'the newest quote is minutes old');
      assert.ok(started - first[first.length - 1] < 7 * 24 * 60 * MINUTE, 'the oldest is days old');

      // A later start on the same database seeds nothing: the wall keeps its times.
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(await wallTimes(dataDir), first);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
