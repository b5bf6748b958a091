/**
 * What image work costs on this machine: decode + resize + encode of one photo at
 * 12, 24 and 40 MP in JPEG, PNG and WebP, one at a time, as `processPhoto` does it
 * (decode once) and as it was done before (one decode per stored width).
 *
 *   node --import tsx bench/images.ts
 */
import sharp from 'sharp';
import { etagOf, processPhoto, widthsFor } from '../src/images.js';

const SIZES: [string, number, number][] = [
  ['12 MP', 4000, 3000],
  ['24 MP', 6000, 4000],
  ['40 MP', 8000, 5000],
];

/** Photo-like content: smooth noise, so JPEG and WebP are neither trivial nor noise. */
async function sample(width: number, height: number, format: 'jpeg' | 'png' | 'webp') {
  const small = await sharp({
    create: {
      width: Math.round(width / 8),
      height: Math.round(height / 8),
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 50 },
    },
  })
    .png()
    .toBuffer();
  const image = sharp(small).resize(width, height, { kernel: 'cubic' });
  if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  if (format === 'webp') return image.webp({ quality: 85 }).toBuffer();
  return image.png({ compressionLevel: 6 }).toBuffer();
}

/** The pipeline before: one full decode of the original per stored width. */
async function perWidth(bytes: Buffer, maxPixels: number) {
  const { width = 0 } = await sharp(bytes).metadata();
  return Promise.all(
    widthsFor(width).map(async (target) => {
      const out = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
        .rotate()
        .resize({ width: target, withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80, progressive: true, mozjpeg: true })
        .toBuffer();
      return etagOf(out);
    }),
  );
}

async function measure(run: () => Promise<unknown>) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall: Math.round(wall), cpu: Math.round((used.user + used.system) / 1000) };
}

/** Decode and resize only, to the widest stored width: the part the pixel cap bounds. */
function decodeOnly(bytes: Buffer) {
  return sharp(bytes, { failOn: 'error' }).rotate().resize({ width: 1600 }).raw().toBuffer();
}

const options = { maxPixels: 100_000_000, allowedTypes: ['image/jpeg', 'image/png', 'image/webp'] };
console.log(`sharp concurrency ${sharp.concurrency()}, cache ${JSON.stringify(sharp.cache())}`);
console.log(
  'size   format      bytes  decode+resize cpu ms  once: wall/cpu ms  per width: wall/cpu ms',
);
for (const [label, width, height] of SIZES) {
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    const bytes = await sample(width, height, format);
    await processPhoto(bytes, options); // warm up
    const decode = await measure(() => decodeOnly(bytes));
    const once = await measure(() => processPhoto(bytes, options));
    const before = await measure(() => perWidth(bytes, options.maxPixels));
    console.log(
      `${label}  ${format.padEnd(6)} ${String(bytes.length).padStart(9)}  ` +
        `${String(decode.cpu).padStart(10)}            ` +
        `${String(once.wall).padStart(6)} / ${String(once.cpu).padEnd(6)}      ` +
        `${String(before.wall).padStart(6)} / ${before.cpu}`,
    );
  }
}
