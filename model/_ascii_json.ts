/**
 * JSON text as one-byte characters: every non-ASCII character of UTF-8 JSON bytes written as a
 * `\uXXXX` escape, which JSON.parse reads back as the same character. A single "µs" or "→" in a
 * file otherwise makes the whole decoded text two bytes a character: twice the memory, and slower
 * to decode and parse.
 *
 * @module
 */

const HEX = "0123456789abcdef";

/** Writes the \uXXXX escape of UTF-16 unit `unit` at `out[at]`; returns the next position. */
function escape(out: Uint8Array, at: number, unit: number): number {
  out[at] = 0x5c; // backslash
  out[at + 1] = 0x75; // u
  for (let k = 0; k < 4; k++) out[at + 2 + k] = HEX.charCodeAt((unit >> (12 - 4 * k)) & 15);
  return at + 6;
}

/**
 * The code point of the well-formed UTF-8 sequence of `length` bytes at `bytes[i]`, or -1 when
 * it is not one (bad continuation, overlong, a surrogate, beyond U+10FFFF).
 */
function codePoint(bytes: Uint8Array, i: number, length: number): number {
  if (i + length > bytes.length) return -1;
  let cp = bytes[i] & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const b = bytes[i + k];
    if ((b & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  const least = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
  if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

/**
 * Decodes UTF-8 JSON bytes into text of ASCII characters only, non-ASCII characters escaped.
 * Returns null when the bytes are not well-formed UTF-8 (the caller then decodes them as usual,
 * so that its errors match). Valid JSON gives text that parses to the same value; text that is
 * not JSON stays not JSON.
 */
export function decodeJsonAscii(bytes: Uint8Array): string | null {
  // Where the non-ASCII sequences start, found four bytes at a time.
  const starts: number[] = [];
  let extra = 0;
  const visit = (i: number): number => {
    const b = bytes[i];
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (length === 0 || codePoint(bytes, i, length) < 0) return -1;
    starts.push(i);
    // 2 and 3 bytes become one escape of 6; 4 bytes a surrogate pair, 12.
    extra += (length === 4 ? 12 : 6) - length;
    return i + length;
  };
  let i = 0;
  const alignedFrom = Math.min(bytes.length, (4 - (bytes.byteOffset % 4)) % 4);
  while (i < alignedFrom) {
    if (bytes[i] < 0x80) i++;
    else if ((i = visit(i)) < 0) return null;
  }
  const words = new Uint32Array(
    bytes.buffer,
    bytes.byteOffset + alignedFrom,
    Math.floor((bytes.length - alignedFrom) / 4),
  );
  const wordsEnd = alignedFrom + words.length * 4;
  while (i < bytes.length) {
    if (
      i < wordsEnd && i % 4 === alignedFrom % 4 && (words[(i - alignedFrom) / 4] & 0x80808080) === 0
    ) {
      i += 4;
    } else if (bytes[i] < 0x80) i++;
    else if ((i = visit(i)) < 0) return null;
  }
  if (extra === 0) return new TextDecoder().decode(bytes);
  const out = new Uint8Array(bytes.length + extra);
  let at = 0;
  let from = 0;
  for (const start of starts) {
    out.set(bytes.subarray(from, start), at);
    at += start - from;
    const b = bytes[start];
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    const cp = codePoint(bytes, start, length);
    if (cp >= 0x10000) {
      at = escape(out, at, 0xd800 + ((cp - 0x10000) >> 10));
      at = escape(out, at, 0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else at = escape(out, at, cp);
    from = start + length;
  }
  out.set(bytes.subarray(from), at);
  return new TextDecoder().decode(out);
}
