/**
 * Decodes a photo (with its EXIF orientation applied), scales it so its longest side is
 * at most `maxDimension`, and re-encodes it as JPEG. Drawing to a canvas keeps only the
 * pixels: EXIF, GPS and every other piece of metadata stay on the device. Rejects when
 * this browser cannot decode the file (HEIC outside Safari, a broken file).
 */
export async function resizePhoto(file: Blob, maxDimension: number): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, maxDimension / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  // JPEG has no transparency: a PNG's clear pixels become white, not black.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return 'convertToBlob' in canvas
    ? canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 })
    : new Promise((resolve, reject) =>
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error())), 'image/jpeg', 0.85),
      );
}
