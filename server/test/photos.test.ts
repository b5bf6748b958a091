import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { Photo, QuotePage } from '../../src/api/wire.js';
import { imageQueue, DEFAULT_IMAGE_QUEUE } from '../src/image-queue.js';
import { DEFAULT_MAX_PIXELS } from '../src/images.js';
import { SqliteStore } from '../src/store/sqlite.js';
import {
  addCampaign,
  API,
  approve,
  countRows,
  GPS_MARKER,
  jpegWithGps,
  makeApp,
  multipart,
  newKey,
  noisyJpeg,
  png,
  staff,
  validBody,
} from './helpers.js';

function post(
  app: FastifyInstance,
  form: { payload: Buffer; contentType: string },
  campaign = 'spirit-of-chongqing',
) {
  return app.inject({
    method: 'POST',
    url: `/v1/campaigns/${campaign}/submissions`,
    headers: { 'content-type': form.contentType, 'idempotency-key': newKey() },
    payload: form.payload,
  });
}

describe('photos sent with submissions', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ maxPhotoPixels: 3_000_000 });
  });
  after(() => app.close());

  it('re-encodes a JPEG so that its EXIF and GPS data are gone', async () => {
    const original = await jpegWithGps(1800, 1200);
    const originalMeta = await sharp(original).metadata();
    assert.ok(originalMeta.exif, 'the test photo has EXIF');
    assert.ok(original.includes(GPS_MARKER));
    assert.ok(originalMeta.exif.includes(Buffer.from([0x25, 0x88])), 'and a GPS IFD pointer');

    const response = await post(app, multipart(validBody(), { bytes: original }));
    assert.equal(response.statusCode, 202, response.body);
    const submission = await app.inject({
      url: `${API}/submissions/${response.json().id}`,
      headers: staff,
    });
    const photoId = submission.json().photoId;
    assert.match(photoId, /^reader-/);

    const record = await app.store.getPhoto('spirit-of-chongqing', photoId, false);
    assert.ok(record);
    assert.deepEqual(record.widths, [320, 640, 1024, 1600]);
    for (const width of record.widths) {
      const file = await app.store.getPhotoFile('spirit-of-chongqing', photoId, width, false);
      assert.ok(file);
      const meta = await sharp(file.bytes).metadata();
      assert.equal(meta.format, 'jpeg');
      assert.equal(meta.width, width);
      assert.equal(meta.exif, undefined, `no EXIF at ${width}`);
      assert.equal(meta.xmp, undefined);
      assert.ok(!file.bytes.includes(GPS_MARKER), 'marker gone');
      assert.ok(!file.bytes.includes('TestCam'), 'camera make gone');
      assert.ok(!file.bytes.includes(Buffer.from('Exif\0\0')), 'no APP1 Exif segment');
    }
    const staffPhoto = await app.inject({
      url: `${API}/submissions/${response.json().id}/photo?width=1000`,
      headers: staff,
    });
    assert.equal(staffPhoto.statusCode, 200);
    assert.equal((await sharp(staffPhoto.rawPayload).metadata()).width, 1024);
  });

  it('applies the EXIF orientation to the pixels before dropping it', async () => {
    const rotated = await sharp({
      create: { width: 400, height: 200, channels: 3, background: '#fff' },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const response = await post(app, multipart(validBody(), { bytes: rotated }));
    assert.equal(response.statusCode, 202, response.body);
    const id = (
      await app.inject({ url: `${API}/submissions/${response.json().id}`, headers: staff })
    ).json().photoId;
    const record = await app.store.getPhoto('spirit-of-chongqing', id, false);
    assert.equal(record!.width, 200);
    assert.equal(record!.height, 400);
  });

  it('keeps a reader photo private until its quote is approved, and deletes it with the submission', async () => {
    const response = await post(
      app,
      multipart(validBody({ message: 'My photo of the river at dusk.' }), {
        bytes: await png(700, 500),
        type: 'image/png',
        filename: 'river.png',
      }),
    );
    assert.equal(response.statusCode, 202, response.body);
    const id = response.json().id;
    const photoId = (await app.inject({ url: `${API}/submissions/${id}`, headers: staff })).json()
      .photoId;
    assert.equal((await app.inject(`${API}/photos/${photoId}`)).statusCode, 404);
    assert.equal((await app.inject(`${API}/photos/${photoId}/640.jpg`)).statusCode, 404);

    await approve(app, id);
    const photo = await app.inject(`${API}/photos/${photoId}`);
    assert.equal(photo.statusCode, 200);
    const wire = photo.json<Photo>();
    assert.deepEqual(
      wire.srcset.map((s) => s.width),
      [320, 640, 700],
    );
    assert.equal(wire.credit.photographer, 'Test Reader');
    const quotes = (await app.inject(`${API}/quotes`)).json<QuotePage>();
    assert.equal(quotes.items.find((q) => q.id === id)?.photoId, photoId);
    const file = await app.inject(`${API}/photos/${photoId}/640.jpg`);
    assert.equal(file.statusCode, 200);

    const removed = await app.inject({
      method: 'DELETE',
      url: `${API}/submissions/${id}`,
      headers: staff,
    });
    assert.equal(removed.statusCode, 204);
    assert.equal((await app.inject(`${API}/photos/${photoId}`)).statusCode, 404);
    assert.equal((await app.inject(`${API}/photos/${photoId}/640.jpg`)).statusCode, 404);
    assert.equal(await app.store.getPhoto('spirit-of-chongqing', photoId, false), null);
    assert.equal(await app.store.getPhotoFile('spirit-of-chongqing', photoId, 640, false), null);
  });

  it('judges the type by the bytes: 415 for a non-image named .jpg, or a GIF', async () => {
    const rows = await countRows(app);
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    for (const bytes of [
      Buffer.from('<?php echo "not a photo"; ?>'),
      gif,
      Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]),
    ]) {
      const response = await post(
        app,
        multipart(validBody(), { bytes, type: 'image/jpeg', filename: 'a.jpg' }),
      );
      assert.equal(response.statusCode, 415, response.body);
      assert.equal(response.json().code, 'unsupported_media_type');
    }
    assert.equal(await countRows(app), rows);
  });

  it('answers 422 photo_too_large for too many pixels', async () => {
    const rows = await countRows(app);
    const response = await post(
      app,
      multipart(validBody(), { bytes: await png(2000, 2000), type: 'image/png' }),
    );
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().code, 'photo_too_large');
    assert.equal(await countRows(app), rows);
  });

  it('answers 413 photo_too_large for a file over the campaign limit', async () => {
    await addCampaign(app, {
      id: 'tiny-photos',
      limits: { ...app.campaigns.get('spirit-of-chongqing')!.limits, photoMaxBytes: 2000 },
    });
    const big = await noisyJpeg(200, 200);
    assert.ok(big.length > 2000);
    const response = await post(app, multipart(validBody(), { bytes: big }), 'tiny-photos');
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().code, 'photo_too_large');
  });

  it('validates the multipart shape: data part required, known parts only, one photo', async () => {
    const noData = await post(app, multipart(undefined, { bytes: await png(10, 10) }));
    assert.equal(noData.statusCode, 400);
    assert.equal(noData.json().fields[0].field, 'data');
    const badJson = await post(app, multipart('{not json'));
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json().fields[0].field, 'body');
    const wrongField = await post(
      app,
      multipart(validBody(), { bytes: await png(10, 10), field: 'avatar' }),
    );
    assert.equal(wrongField.statusCode, 400);
    assert.equal(wrongField.json().fields[0].field, 'avatar');
    const invalid = await post(
      app,
      multipart(validBody({ consentGiven: false }), { bytes: await png(10, 10) }),
    );
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().fields[0].code, 'consent_required');
    const withoutPhoto = await post(app, multipart(validBody()));
    assert.equal(withoutPhoto.statusCode, 202);
  });

  it('treats a retry with the same photo as the same request, another photo as a conflict', async () => {
    const key = newKey();
    const bytes = await png(50, 50);
    const send = (photo: Buffer) => {
      const form = multipart(validBody({ message: 'Same words, photo attached.' }), {
        bytes: photo,
        type: 'image/png',
      });
      return app.inject({
        method: 'POST',
        url: `${API}/submissions`,
        headers: { 'content-type': form.contentType, 'idempotency-key': key },
        payload: form.payload,
      });
    };
    const first = await send(bytes);
    const rows = await countRows(app);
    const again = await send(bytes);
    assert.deepEqual(again.json(), first.json());
    const other = await send(await png(51, 50));
    assert.equal(other.statusCode, 409);
    assert.equal(await countRows(app), rows);
  });
});

/** Takes every decoding slot of the process-wide image queue until `release()`. */
function occupyImageQueue(slots: number) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const jobs = Array.from({ length: slots }, () => imageQueue.run(() => held));
  return {
    release: async () => {
      release();
      await Promise.all(jobs);
    },
  };
}

/**
 * A PNG whose header says `width`×`height` over the pixel data of a 10×10 one: a
 * decoder refuses it (415), so a 422 proves it was judged by its header alone.
 */
async function pngHeaderOnly(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await png(10, 10));
  // IHDR: length (8), type (12), width (16), height (20), … , CRC of type + data (29)
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

describe('bounded image work', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ maxPhotoPixels: DEFAULT_MAX_PIXELS });
  });
  after(async () => {
    imageQueue.configure(DEFAULT_IMAGE_QUEUE);
    await app.close();
  });

  it('answers 503 unavailable with Retry-After when the image queue is full, and stores nothing', async () => {
    imageQueue.configure({ concurrency: 1, maxQueued: 0, maxWaitMs: 3000 });
    const busy = occupyImageQueue(1);
    const rows = await countRows(app);
    const key = newKey();
    const form = multipart(validBody({ message: 'A photo sent while the server is busy.' }), {
      bytes: await png(800, 600),
      type: 'image/png',
    });
    const send = () =>
      app.inject({
        method: 'POST',
        url: `${API}/submissions`,
        headers: { 'content-type': form.contentType, 'idempotency-key': key },
        payload: form.payload,
      });
    let refused;
    try {
      refused = await send();
    } finally {
      await busy.release();
    }
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().code, 'unavailable');
    assert.equal(refused.headers['retry-after'], '3');
    assert.equal(await countRows(app), rows, 'nothing stored for a refused photo');

    // The same key and body, once there is room: accepted, not a replay of the refusal.
    const retried = await send();
    assert.equal(retried.statusCode, 202, retried.body);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal(await countRows(app), rows + 1);
  });

  it('refuses a photo that waited too long for its turn the same way', async () => {
    imageQueue.configure({ concurrency: 1, maxQueued: 4, maxWaitMs: 150 });
    const busy = occupyImageQueue(1);
    const rows = await countRows(app);
    const started = Date.now();
    let refused;
    try {
      refused = await post(app, multipart(validBody(), { bytes: await png(300, 200) }));
    } finally {
      await busy.release();
    }
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().code, 'unavailable');
    assert.equal(refused.headers['retry-after'], '1');
    assert.ok(Date.now() - started >= 140, 'it waited for a slot first');
    assert.equal(await countRows(app), rows);
    assert.deepEqual(imageQueue.load, { running: 0, queued: 0 });
  });

  it('answers 422 photo_too_large from the header alone, before waiting for the queue', async () => {
    imageQueue.configure({ concurrency: 1, maxQueued: 0 });
    const busy = occupyImageQueue(1);
    const rows = await countRows(app);
    let tooLarge;
    try {
      // 6324×6324 is the 40 MP the old default let through; the pixels are junk.
      tooLarge = await post(
        app,
        multipart(validBody(), { bytes: await pngHeaderOnly(6324, 6324), type: 'image/png' }),
      );
    } finally {
      await busy.release();
    }
    assert.equal(tooLarge.statusCode, 422, tooLarge.body);
    assert.equal(tooLarge.json().code, 'photo_too_large');
    assert.equal(await countRows(app), rows);
  });

  it('has a default cap that takes a 12 MP phone photo and refuses 40 MP', async () => {
    assert.ok(4000 * 3000 <= DEFAULT_MAX_PIXELS);
    assert.ok(6324 * 6324 > DEFAULT_MAX_PIXELS);
    const phone = await post(app, multipart(validBody(), { bytes: await png(4000, 3000) }));
    assert.equal(phone.statusCode, 202, phone.body);
  });

  it('uses that cap when the app is given none', async () => {
    const plain = await makeApp();
    try {
      const rows = await countRows(plain);
      const response = await post(
        plain,
        multipart(validBody(), { bytes: await pngHeaderOnly(6324, 6324), type: 'image/png' }),
      );
      assert.equal(response.statusCode, 422, response.body);
      assert.equal(response.json().code, 'photo_too_large');
      assert.equal(await countRows(plain), rows);
    } finally {
      await plain.close();
    }
  });
});

describe('store atomicity', () => {
  it('stores a submission and its photo together or not at all', async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    const { DEMO_CAMPAIGN } = await import('../src/demo/content.js');
    await store.putCampaign(DEMO_CAMPAIGN);
    const file = { width: 10, bytes: Buffer.from('x'), etag: '"x"' };
    const attempt = () =>
      store.createSubmission({
        submission: {
          id: 'atomic-1',
          campaignId: DEMO_CAMPAIGN.id,
          message: 'This one must not be half written.',
          displayName: null,
          anonymous: true,
          district: null,
          email: null,
          locale: 'en',
          publishPermission: true,
          consentVersion: '2024-03',
          receivedAt: Date.now(),
          origin: null,
        },
        photo: {
          record: {
            campaignId: DEMO_CAMPAIGN.id,
            id: 'reader-atomic',
            submissionId: 'atomic-1',
            width: 10,
            height: 10,
            widths: [10],
            text: {
              en: { alt: '', caption: '', photographer: '', organization: null, license: '' },
              'zh-Hans': {
                alt: '',
                caption: '',
                photographer: '',
                organization: null,
                license: '',
              },
            },
          },
          // the same width twice violates the photo_files primary key half-way through
          files: [file, file],
        },
        idempotencyKey: 'atomic-key',
        bodyHash: 'h',
      });
    await assert.rejects(attempt);
    assert.equal(await store.getSubmission(DEMO_CAMPAIGN.id, 'atomic-1'), null);
    assert.equal(await store.getPhoto(DEMO_CAMPAIGN.id, 'reader-atomic', false), null);
    assert.equal(await store.findIdempotent(DEMO_CAMPAIGN.id, 'atomic-key'), null);
    await store.close();
  });
});
