/**
 * Photos: what a file really is (by its bytes, not its name or declared type), and
 * re-encoding into the stored widths. Re-encoding with sharp drops every piece of
 * metadata (EXIF, GPS, XMP, IPTC, maker notes, ICC after conversion to sRGB): only
 * pixels survive. The EXIF orientation is applied to the pixels first.
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { ApiError } from './errors.js';
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
 * Checks and re-encodes an uploaded photo. Throws `ApiError` 415 when the bytes are
 * not a JPEG, PNG or WebP (or do not decode), 422 when it has more than `maxPixels`.
 */
export async function processPhoto(
  bytes: Buffer,
  options: { maxPixels: number; allowedTypes: readonly string[] },
): Promise<ProcessedPhoto> {
  const type = sniffImageType(bytes);
  if (!type || !options.allowedTypes.includes(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'The photo must be a JPEG, PNG or WebP', {
      fields: [{ field: 'photo', code: 'invalid' }],
    });
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ApiError(415, 'unsupported_media_type', 'The photo could not be decoded', {
      fields: [{ field: 'photo', code: 'invalid' }],
    });
  }
  const rawWidth = metadata.width ?? 0;
  const rawHeight = metadata.height ?? 0;
  if (!rawWidth || !rawHeight) {
    throw new ApiError(415, 'unsupported_media_type', 'The photo could not be decoded', {
      fields: [{ field: 'photo', code: 'invalid' }],
    });
  }
  if (rawWidth * rawHeight > options.maxPixels) {
    throw new ApiError(
      422,
      'photo_too_large',
      `The photo has more than ${options.maxPixels} pixels; send a smaller one`,
      { fields: [{ field: 'photo', code: 'invalid' }] },
    );
  }
  const swap = (metadata.orientation ?? 1) >= 5;
  const width = swap ? rawHeight : rawWidth;
  const height = swap ? rawWidth : rawHeight;
  const widths = widthsFor(width);
  try {
    const files = await Promise.all(
      widths.map(async (target) => {
        const out = await sharp(bytes, { limitInputPixels: options.maxPixels, failOn: 'error' })
          .rotate()
          .resize({ width: target, withoutEnlargement: true })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: 80, progressive: true, mozjpeg: true })
          .toBuffer();
        return { width: target, bytes: out, etag: etagOf(out) };
      }),
    );
    const top = widths[widths.length - 1];
    return { width: top, height: Math.round((height * top) / width), widths, files };
  } catch {
    throw new ApiError(415, 'unsupported_media_type', 'The photo could not be decoded', {
      fields: [{ field: 'photo', code: 'invalid' }],
    });
  }
}
