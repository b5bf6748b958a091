/**
 * A reader's photo that staff have not described yet is described by what is known —
 * the reader's district and the start of their words, in the reader's language —
 * never by one sentence shared by every photo, and never by nothing. Staff's own alt
 * text replaces it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { QueueItemDetail } from '../../src/api/newsroom.js';
import { ALT_WORDS, startOfWords } from '../src/reader-photo-alt.js';
import { API, jpegWithGps, makeApp, multipart, newKey, staff, validBody } from './helpers.js';

const NEWS = `${API}/staff`;

const item = async (app: FastifyInstance, id: string): Promise<QueueItemDetail['item']> => {
  const response = await app.inject({ url: `${NEWS}/submissions/${id}`, headers: staff });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<QueueItemDetail>().item;
};

/** Sends words with a photo, lets staff write an alt text if given, publishes: the photo id. */
async function publishedPhoto(
  app: FastifyInstance,
  overrides: Parameters<typeof validBody>[0],
  photoAlt?: string,
): Promise<string> {
  const { payload, contentType } = multipart(validBody(overrides), { bytes: await jpegWithGps() });
  const sent = await app.inject({
    method: 'POST',
    url: `${API}/submissions`,
    headers: { 'content-type': contentType, 'idempotency-key': newKey() },
    payload,
  });
  assert.equal(sent.statusCode, 202, sent.body);
  const id = sent.json<{ id: string }>().id;
  if (photoAlt !== undefined) {
    const edit = await app.inject({
      method: 'PATCH',
      url: `${NEWS}/submissions/${id}`,
      headers: staff,
      payload: { version: (await item(app, id)).version, photoAlt },
    });
    assert.equal(edit.statusCode, 200, edit.body);
  }
  const decision = await app.inject({
    method: 'POST',
    url: `${NEWS}/submissions/${id}/decision`,
    headers: staff,
    payload: { version: (await item(app, id)).version, action: 'approve' },
  });
  assert.equal(decision.statusCode, 200, decision.body);
  return (await item(app, id)).photoId!;
}

const alt = async (app: FastifyInstance, photoId: string, locale: string) => {
  const response = await app.inject({ url: `${API}/photos/${photoId}?locale=${locale}` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ alt: string }>().alt;
};

describe("a reader's photo without staff alt text", () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('is described by its district and the start of its words, in each language', async () => {
    const first = await publishedPhoto(app, {
      message: 'The stairs of Shibati at dusk, where my grandmother sold noodles.',
      district: 'yuzhong',
    });
    const second = await publishedPhoto(app, {
      message: '江北嘴的夜景，灯火照亮了整条江。',
      district: 'jiangbei',
      locale: 'zh-Hans',
    });
    assert.equal(
      await alt(app, first, 'en'),
      'Photo a reader from Yuzhong sent with the words “The stairs of Shibati at dusk, where my grandmother sold…”',
    );
    assert.equal(
      await alt(app, first, 'zh-Hans'),
      '来自渝中区的读者随留言“The stairs of Shibati at dusk, where my grandmother sold…”发来的照片',
    );
    assert.equal(
      await alt(app, second, 'en'),
      'Photo a reader from Jiangbei sent with the words “江北嘴的夜景，灯火照亮了整条江。”',
    );
    assert.equal(
      await alt(app, second, 'zh-Hans'),
      '来自江北区的读者随留言“江北嘴的夜景，灯火照亮了整条江。”发来的照片',
    );
    // Not the one sentence every reader photo used to share.
    assert.doesNotMatch(await alt(app, first, 'en'), /^Photo a reader sent with their words$/);
  });

  it('leaves the district out when the reader gave none, and is never empty', async () => {
    const photo = await publishedPhoto(app, { message: 'Hot pot with friends.', district: null });
    assert.equal(
      await alt(app, photo, 'en'),
      'Photo a reader sent with the words “Hot pot with friends.”',
    );
    assert.equal(await alt(app, photo, 'zh-Hans'), '读者随留言“Hot pot with friends.”发来的照片');
  });

  it('gives way to the alt text staff wrote', async () => {
    const photo = await publishedPhoto(
      app,
      { message: 'A photo of my street.', district: 'nanan' },
      'A steep lane lined with washing',
    );
    assert.equal(await alt(app, photo, 'en'), 'A steep lane lined with washing');
    assert.equal(await alt(app, photo, 'zh-Hans'), 'A steep lane lined with washing');
  });
});

describe('the start of the words', () => {
  it('keeps short words whole, on one line', () => {
    assert.equal(startOfWords('  Mountain city,\n\nwarm  people '), 'Mountain city, warm people');
  });
  it('cuts long words at a word, with an ellipsis', () => {
    const words = 'Every evening we climb the stairs from the river to the old market and talk';
    const start = startOfWords(words);
    assert.equal(start, 'Every evening we climb the stairs from the river to the old…');
    assert.ok([...start].length <= ALT_WORDS + 1);
  });
  it('cuts Chinese, which has no spaces, at a character', () => {
    const words = '山城'.repeat(40);
    const start = startOfWords(words);
    assert.equal(start, `${'山城'.repeat(30)}…`);
  });
});
