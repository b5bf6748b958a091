// What docs/embed.md tells partners about the API, checked against the API itself: the
// headers it quotes for the script it serves, the stories and photo ids its curl
// example prints, and the port of its quick start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Photo, StoryList } from '../../src/api/wire.js';
import { API, makeApp, tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = fs.readFileSync(path.join(ROOT, 'docs/embed.md'), 'utf8');

/** The `Name: value` lines between `<!-- bundle-headers -->` and its end. */
function quotedHeaders(): [string, string][] {
  const block = /<!-- bundle-headers -->\n```http\n([\s\S]*?)```\n<!-- \/bundle-headers -->/.exec(
    DOC,
  );
  assert.ok(block, 'the guide quotes the bundle’s headers');
  return block[1]
    .trim()
    .split('\n')
    .map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    });
}

describe('the embedding guide', () => {
  let app: FastifyInstance;
  const dist = tempDir();
  before(async () => {
    for (const file of ['campaign-widgets.js', 'campaign-widgets.iife.js']) {
      fs.writeFileSync(path.join(dist, file), `/* ${file} */ export {};\n`);
    }
    // Load shedding (503 on a busy machine) is tested elsewhere; here the answers matter.
    app = await makeApp({ distDir: dist, maxEventLoopDelayMs: false });
  });
  after(async () => {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  for (const file of ['/campaign-widgets.js', '/campaign-widgets.iife.js']) {
    it(`quotes the headers the API sends with ${file}, which revalidates to 304`, async () => {
      const headers = quotedHeaders();
      assert.ok(headers.length >= 5);
      const response = await app.inject({
        url: file,
        headers: { origin: 'https://partner.example' },
      });
      assert.equal(response.statusCode, 200);
      for (const [name, value] of headers) {
        const sent = response.headers[name];
        assert.ok(sent !== undefined, `${name} is sent`);
        if (value !== '…' && !value.includes('…')) assert.equal(String(sent), value, name);
      }
      const etag = String(response.headers.etag);
      const again = await app.inject({ url: file, headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
      const since = String(response.headers['last-modified']);
      const later = await app.inject({ url: file, headers: { 'if-modified-since': since } });
      assert.equal(later.statusCode, 304);
    });
  }

  it('lists the stories and their photo ids as its curl example prints them', async () => {
    const example =
      /curl -s https:\/\/api\.example\.org(\/v1\/campaigns\/[^ ]+\/stories)[\s\S]*?\n((?:# .*\n)+)```/.exec(
        DOC,
      );
    assert.ok(example, 'the curl example and its output');
    assert.equal(example[1], `${API}/stories`);
    const printed = example[2]
      .trim()
      .split('\n')
      .map((line) => line.replace(/^# /, '').split(/\s+photo: /));
    const list = (await app.inject(example[1])).json<StoryList>();
    assert.deepEqual(
      printed,
      list.items.map((story) => [story.id, story.photoId]),
    );
    // The photo route it names tells width and height, also for the photo no story leads.
    for (const id of [...list.items.map((story) => story.photoId), 'firewall']) {
      const photo = (await app.inject(`${API}/photos/${id}`)).json<Photo>();
      assert.ok(photo.width > 0 && photo.height > 0, id ?? 'null');
    }
    assert.match(DOC, /the demo's is `firewall`/);
  });

  it('starts the API on the port its quick start names', () => {
    const main = fs.readFileSync(path.join(ROOT, 'server/src/main.ts'), 'utf8');
    const port = /process\.env\.PORT === ''\s*\?\s*(\d+)/.exec(main)?.[1];
    assert.equal(port, '8787');
    assert.match(DOC, /npm start {2,}# .* on 8787\n/);
    assert.match(DOC, /\| `PORT` +\| `8787` /);
  });
});
