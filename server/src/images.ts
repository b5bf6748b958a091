/**
 * Photos: what a file really is (by its bytes, not its name or declared type), and
 * re-encoding into the stored widths. Re-encoding with sharp drops every piece of
 * metadata (EXIF, GPS, XMP, IPTC, maker notes, ICC after conversion to sRGB): only
 * pixels survive. The EXIF orientation is applied to the pixels first.
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { ApiError } from './errors.js';
import { imageQueue, type ImageQueue } from './image-queue.js';
import type { PhotoFile } from './store/store.js';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** Widths a photo is stored at (never wider than the original or `MAX_STORED_WIDTH`). */
export const STORED_WIDTHS = [320, 640, 1024, 1600] as const;
export const MAX_STORED_WIDTH = 1600;

export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

export const etagOf = (bytes: Buffer | string) =>
  `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

export interface ProcessedPhoto {
  width: number;
  height: number;
  widths: number[];
  files: PhotoFile[];
}

export function widthsFor(originalWidth: number): number[] {
  const top = Math.min(originalWidth, MAX_STORED_WIDTH);
  const widths: number[] = STORED_WIDTHS.filter((width) => width < top);
  widths.push(top);
  return widths;
}

/**
 * Default pixel cap. 24 MP takes a 12 MP phone photo (4000×3000) and a 20 MP camera
 * with room to spare, while a worst case (a PNG, which cannot shrink on load) stays
 * within about a second of one core; see `bench/images.ts` for the figures.
 */
export const DEFAULT_MAX_PIXELS = 24_000_000;

export interface PhotoOptions {
  maxPixels: number;
  allowedTypes: readonly string[];
  /** Where the decode waits its turn; by default the process-wide `imageQueue`. */
  queue?: ImageQueue;
}

// Every upload is a new image: libvips's operation cache would only keep decoded
// pixels alive after the answer (it holds up to 50 MB by default). One libvips thread
// per image makes the queue's concurrency the number of cores image work may take.
sharp.cache(false);
sharp.concurrency(1);

const undecodable = (message = 'The photo could not be decoded') =>
  new ApiError(415, 'unsupported_media_type', message, {
    fields: [{ field: 'photo', code: 'invalid' }],
  });

/**
 * Checks and re-encodes an uploaded photo. Throws `ApiError` 415 when the bytes are
 * not a JPEG, PNG or WebP (or do not decode), 422 when it has more than `maxPixels`
 * (judged from the header, before any pixel is decoded), 503 when the image queue
 * is full or the photo waited too long for its turn.
 */
export async function processPhoto(bytes: Buffer, options: PhotoOptions): Promise<ProcessedPhoto> {
  const type = sniffImageType(bytes);
  if (!type || !options.allowedTypes.includes(type)) {
    throw undecodable('The photo must be a JPEG, PNG or WebP');
  }
  const size = await headerSize(bytes);
  if (size.rawWidth * size.rawHeight > options.maxPixels) {
    throw new ApiError(
      422,
      'photo_too_large',
      `The photo has more than ${options.maxPixels} pixels; send a smaller one`,
      { fields: [{ field: 'photo', code: 'invalid' }] },
    );
  }
  const queue = options.queue ?? imageQueue;
  return queue.run(() => reencode(bytes, size, options.maxPixels));
}

interface HeaderSize {
  rawWidth: number;
  rawHeight: number;
  orientation: number;
}

/** Width, height and orientation from the file's header: no pixel is decoded. */
async function headerSize(bytes: Buffer): Promise<HeaderSize> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw undecodable();
  }
  const rawWidth = metadata.width ?? 0;
  const rawHeight = metadata.height ?? 0;
  if (!rawWidth || !rawHeight) throw undecodable();
  return { rawWidth, rawHeight, orientation: metadata.orientation ?? 1 };
}

/**
 * Decodes the original once, straight to the widest stored width (JPEG and WebP
 * shrink while they decode), and makes the narrower widths from those pixels:
 * decoding the original once per width cost up to four full decodes.
 */
async function reencode(
  bytes: Buffer,
  size: HeaderSize,
  maxPixels: number,
): Promise<ProcessedPhoto> {
  const swap = size.orientation >= 5;
  const width = swap ? size.rawHeight : size.rawWidth;
  const height = swap ? size.rawWidth : size.rawHeight;
  const widths = widthsFor(width);
  const top = widths[widths.length - 1];
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .resize({ width: top, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    const files: PhotoFile[] = [];
    for (const target of widths) {
      let image = sharp(data, { raw });
      if (target < info.width) image = image.resize({ width: target });
      const out = await image.jpeg({ quality: 80, progressive: true, mozjpeg: true }).toBuffer();
      files.push({ width: target, bytes: out, etag: etagOf(out) });
    }
    return { width: top, height: Math.round((height * top) / width), widths, files };
  } catch {
    throw undecodable();
  }
}
