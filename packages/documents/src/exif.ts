/** The few EXIF tags that tell how an image was produced; location and serial numbers are never read. */
export interface ExifSummary {
  software: string | null;
  make: string | null;
  model: string | null;
  /** When the file was last written (EXIF DateTime). */
  modified: string | null;
  /** When the photo was taken (EXIF DateTimeOriginal). */
  taken: string | null;
  orientation: number | null;
}

const TAGS = { make: 0x010f, model: 0x0110, orientation: 0x0112, software: 0x0131, modified: 0x0132, exifIfd: 0x8769, taken: 0x9003 };

/** Reads a TIFF-structured EXIF block (as returned by sharp's metadata().exif, with or without the "Exif\0\0" prefix). */
export function readExifTags(exif: Buffer): ExifSummary {
  const out: ExifSummary = { software: null, make: null, model: null, modified: null, taken: null, orientation: null };
  try {
    let base = 0;
    if (exif.toString('latin1', 0, 4) === 'Exif') base = 6;
    const order = exif.toString('latin1', base, base + 2);
    if (order !== 'II' && order !== 'MM') return out;
    const le = order === 'II';
    const u16 = (o: number): number => (le ? exif.readUInt16LE(base + o) : exif.readUInt16BE(base + o));
    const u32 = (o: number): number => (le ? exif.readUInt32LE(base + o) : exif.readUInt32BE(base + o));
    const ascii = (entry: number): string | null => {
      const count = u32(entry + 4);
      if (count === 0 || count > 256) return null;
      const off = count <= 4 ? entry + 8 : u32(entry + 8);
      if (base + off + count > exif.length) return null;
      return exif.toString('latin1', base + off, base + off + count).replace(/\0+$/, '').trim() || null;
    };
    const walk = (ifd: number, depth: number): void => {
      if (depth > 2 || base + ifd + 2 > exif.length) return;
      const n = Math.min(u16(ifd), 512);
      for (let i = 0; i < n; i++) {
        const e = ifd + 2 + i * 12;
        if (base + e + 12 > exif.length) return;
        const tag = u16(e);
        if (tag === TAGS.software) out.software = ascii(e);
        else if (tag === TAGS.make) out.make = ascii(e);
        else if (tag === TAGS.model) out.model = ascii(e);
        else if (tag === TAGS.modified) out.modified = ascii(e);
        else if (tag === TAGS.taken) out.taken = ascii(e);
        else if (tag === TAGS.orientation) out.orientation = u16(e + 8);
        else if (tag === TAGS.exifIfd) walk(u32(e + 8), depth + 1);
      }
    };
    walk(u32(4), 0);
  } catch {
    // A malformed EXIF block is itself no evidence of anything: report what was read.
  }
  return out;
}
