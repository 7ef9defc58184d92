// An image's dimensions from the first bytes of its file (PNG, JPEG, GIF, WebP), for the media
// pipeline's `image_metadata` step in the Worker: no decoding, no builder. Runtime-neutral.
//
// JPEG keeps its size in the first start-of-frame marker, which may come after large EXIF or
// ICC segments: callers pass the first 256 KiB (IMAGE_HEAD_BYTES), and a file whose frame
// header is later than that reads as unknown (the thumbnails step still finds it, with ffprobe).

export const IMAGE_HEAD_BYTES = 256 * 1024;

export type ImageSize = { format: "png" | "jpeg" | "gif" | "webp"; width: number; height: number };

export function imageSize(b: Uint8Array): ImageSize | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = (i: number, s: string) => {
    if (b.length < i + s.length) return false;
    for (let k = 0; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) return false;
    return true;
  };
  const ok = (format: ImageSize["format"], width: number, height: number) =>
    width > 0 && height > 0 ? { format, width, height } : null;

  if (b[0] === 0x89 && at(1, "PNG\r\n\x1a\n") && at(12, "IHDR") && b.length >= 24) {
    return ok("png", view.getUint32(16), view.getUint32(20));
  }
  if ((at(0, "GIF87a") || at(0, "GIF89a")) && b.length >= 10) {
    return ok("gif", view.getUint16(6, true), view.getUint16(8, true));
  }
  if (at(0, "RIFF") && at(8, "WEBP") && b.length >= 30) {
    if (at(12, "VP8 ")) {
      return ok("webp", view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
    }
    if (at(12, "VP8L") && b.length >= 25) {
      const bits = view.getUint32(21, true);
      return ok("webp", (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
    if (at(12, "VP8X")) {
      const w = 1 + ((b[24] as number) | ((b[25] as number) << 8) | ((b[26] as number) << 16));
      const h = 1 + ((b[27] as number) | ((b[28] as number) << 8) | ((b[29] as number) << 16));
      return ok("webp", w, h);
    }
    return null;
  }
  if (b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1] as number;
      if (marker === 0xff) {
        i += 1; // fill byte
        continue;
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      const length = view.getUint16(i + 2);
      // Start of frame: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
      if (
        marker >= 0xc0 &&
        marker <= 0xcf &&
        marker !== 0xc4 &&
        marker !== 0xc8 &&
        marker !== 0xcc
      ) {
        return ok("jpeg", view.getUint16(i + 7), view.getUint16(i + 5));
      }
      if (marker === 0xda || marker === 0xd9) return null;
      i += 2 + length;
    }
    return null;
  }
  return null;
}
