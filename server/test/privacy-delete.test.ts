/**
 * "Delete for good": after a staff delete, nothing a reader sent — words, name, email,
 * the photo at every stored width, the photo's text — can be read back from the SQLite
 * file or its WAL, neither once the answer is given nor after a clean shutdown. The
 * bytes on disk are searched directly, the way `strings campaign.sqlite` would.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { NewPhoto, NewSubmission } from '../src/store/store.js';
import { noisyJpeg } from './helpers.js';

const DB_FILE = 'campaign.sqlite';

// The store alone, not the app: its own data folder, removed after.
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-privacy-'));

/** The database file and its WAL as they are on disk now (a missing file is empty). */
function diskBytes(dataDir: string): Buffer {
  const read = (name: string) => {
    const file = path.join(dataDir, name);
    return fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
  };
  return Buffer.concat([read(DB_FILE), read(`${DB_FILE}-wal`)]);
}

/** Which of the needles can still be found in the haystack, by label. */
function found(haystack: Buffer, needles: Record<string, Buffer>): string[] {
  return Object.entries(needles)
    .filter(([, needle]) => haystack.includes(needle))
    .map(([label]) => label);
}

const C = 'privacy-campaign';

/** A reader's photo as the API stores it: JPEG at several widths, the name in its text. */
async function readerPhoto(submissionId: string, name: string): Promise<NewPhoto> {
  const original = await noisyJpeg(900, 700);
  const widths = [320, 640, 900];
  const files = await Promise.all(
    widths.map(async (width) => ({
      width,
      bytes: await sharp(original).resize({ width }).jpeg({ quality: 90 }).toBuffer(),
      etag: `"${submissionId.slice(0, 8)}-${width}"`,
    })),
  );
  const text = {
    alt: 'Photo a reader sent with their words',
    caption: `Sent by ${name}`,
    photographer: name,
    organization: null,
    license: 'Shared by the reader for this campaign',
  };
  return {
    record: {
      campaignId: C,
      id: `reader-${randomBytes(12).toString('base64url')}`,
      submissionId,
      width: 900,
      height: 700,
      widths,
      text: { en: text, 'zh-Hans': { ...text, caption: `由${name}提供` } },
    },
    files,
  };
}

describe('a privacy delete on SQLite', () => {
  const dataDir = tempDir();
  let store: SqliteStore;
  let submission: NewSubmission;
  const needles: Record<string, Buffer> = {};

  before(async () => {
    store = new SqliteStore({ dataDir });
    await store.migrate();
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: C });
    const marker = randomBytes(6).toString('hex');
    const name = `Reader ${marker}-name`;
    submission = {
      id: randomUUID(),
      campaignId: C,
      message: `My street in Jiefangbei, never to be kept: ${marker}-message.`,
      displayName: name,
      anonymous: false,
      district: 'yuzhong',
      email: `${marker}-email@example.org`,
      locale: 'en',
      publishPermission: true,
      consentVersion: DEMO_CAMPAIGN.consentVersion,
      receivedAt: Date.now(),
      origin: null,
      photoPermission: true,
    };
    const photo = await readerPhoto(submission.id, name);
    const idempotencyKey = `privacy-key-${marker}`;
    const bodyHash = `${marker}-body-hash`;
    const created = await store.createSubmission({ submission, photo, idempotencyKey, bodyHash });
    assert.equal(created.kind, 'created');
    // Published first, so the wall's event log and an UPDATE of the row have seen it.
    assert.ok((await store.transition(C, submission.id, 'approve', Date.now())).ok);

    needles.message = Buffer.from(submission.message);
    needles.displayName = Buffer.from(`${marker}-name`);
    needles.email = Buffer.from(submission.email!);
    needles.idempotencyKey = Buffer.from(idempotencyKey);
    needles.bodyHash = Buffer.from(bodyHash);
    needles.photoCaption = Buffer.from(photo.record.text['zh-Hans'].caption);
    for (const file of photo.files) {
      const middle = Math.floor(file.bytes.length / 2);
      needles[`photo${file.width}`] = Buffer.from(file.bytes.subarray(middle, middle + 64));
    }
  });

  after(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('could find every needle before the delete (the search works)', () => {
    // In the WAL at least; a checkpoint may have moved some into the file.
    assert.deepEqual(found(diskBytes(dataDir), needles).sort(), Object.keys(needles).sort());
  });

  it('leaves nothing readable once the delete has been answered', async () => {
    const result = await store.deleteSubmission(C, submission.id);
    assert.equal(result.deleted, true);
    assert.equal(result.event?.type, 'remove');
    assert.deepEqual(found(diskBytes(dataDir), needles), [], 'still on disk while running');
  });

  it('leaves nothing readable after a clean shutdown', async () => {
    await store.close();
    assert.deepEqual(found(diskBytes(dataDir), needles), [], 'still on disk after close');
  });

  it('keeps only a tombstone of the key: no hash of the body, no id, not the key', async () => {
    const reopened = new SqliteStore({ dataDir });
    await reopened.migrate();
    try {
      const tombstones = reopened.db.prepare('SELECT * FROM idempotency_tombstones').all();
      assert.equal(tombstones.length, 1);
      const kept = JSON.stringify(tombstones);
      assert.ok(!kept.includes(submission.id), kept);
      assert.ok(!found(Buffer.from(kept), needles).length, kept);
      assert.deepEqual(Object.keys(tombstones[0] as object).sort(), [
        'campaign_id',
        'created_at',
        'key_sha256',
      ]);
      assert.equal(
        reopened.db
          .prepare('SELECT count(*) FROM events WHERE quote_id = ?')
          .pluck()
          .get(submission.id),
        2,
        'the wall log keeps ids only (the quote and its removal), no text',
      );
    } finally {
      await reopened.close();
    }
  });
});
