/**
 * Resident memory of the API process around a burst of cheap, costly uploads: 64 at
 * once of a small PNG with many pixels, over loopback. Prints RSS before, at the
 * peak, and 5 s after, and how the uploads were answered.
 *
 *   node --import tsx bench/image-memory.ts [side] [count] [maxPixels]   (default 6324 px, 64)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { buildApp } from '../src/app.js';
import { API, multipart, validBody } from '../test/helpers.js';

const side = Number(process.argv[2] ?? 6324);
const count = Number(process.argv[3] ?? 64);
/** The app's pixel cap, when given (else the app's default). */
const maxPhotoPixels = process.argv[4] ? Number(process.argv[4]) : undefined;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-memory-'));
const app = await buildApp({
  dataDir,
  adminToken: 'bench-token-0123456789',
  rateLimit: false,
  maxPhotoPixels,
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const photo = await sharp({
  create: { width: side, height: side, channels: 3, background: '#2e86c1' },
})
  .png({ compressionLevel: 9 })
  .toBuffer();

function upload(index: number): Promise<number> {
  const form = multipart(validBody({ district: null, email: null }), {
    bytes: photo,
    type: 'image/png',
    filename: 'big.png',
  });
  return fetch(`${address}${API}/submissions`, {
    method: 'POST',
    headers: {
      'content-type': form.contentType,
      'idempotency-key': `image-memory-${Date.now()}-${index}`,
    },
    body: form.payload,
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
}

await new Promise((resolve) => setTimeout(resolve, 1000));
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const started = performance.now();
const statuses = await Promise.all(Array.from({ length: count }, (_, index) => upload(index)));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
await new Promise((resolve) => setTimeout(resolve, 5000));
clearInterval(sampler);
const after = process.memoryUsage().rss;
// With --expose-gc: what remains once JavaScript's garbage (and the buffers it holds) is gone.
(globalThis as { gc?: () => void }).gc?.();
const afterGc = process.memoryUsage().rss;

const answers: Record<number, number> = {};
for (const status of statuses) answers[status] = (answers[status] ?? 0) + 1;
console.log(
  `${count} × PNG ${side}×${side} (${Math.round(photo.length / 1024)} KB, ` +
    `${((side * side) / 1e6).toFixed(1)} MP): answers ${JSON.stringify(answers)} in ${seconds} s; ` +
    `RSS before ${mb(before)} MB, peak ${mb(peak)} MB, 5 s after ${mb(after)} MB, after a GC ${mb(afterGc)} MB`,
);
await app.close();
fs.rmSync(dataDir, { recursive: true, force: true });
