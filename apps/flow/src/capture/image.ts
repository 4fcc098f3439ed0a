import { brightness, laplacianVariance, toGray } from './quality.ts';

export type LocalIssue = 'blur' | 'dark' | 'glare';

/**
 * Instant feedback on a captured or uploaded photo, before it is sent: the same measures as autocapture,
 * on a reduced copy. Thresholds are lenient: this warns, the server decides.
 */
export async function checkPhoto(image: Blob, kind: 'document' | 'face'): Promise<LocalIssue[]> {
  try {
    const bmp = await createImageBitmap(image);
    const width = 480;
    const height = Math.max(1, Math.round((bmp.height * width) / bmp.width));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bmp, 0, 0, width, height);
    bmp.close();
    const g = toGray(ctx.getImageData(0, 0, width, height).data, width, height);
    const issues: LocalIssue[] = [];
    const b = brightness(g);
    if (b.mean < 40) issues.push('dark');
    // A flatbed scan is white around the page: that is background, not glare.
    if (b.clipped > 0.1 && b.clipped < 0.5) issues.push('glare');
    if (laplacianVariance(g) < (kind === 'document' ? 25 : 8)) issues.push('blur');
    return issues;
  } catch {
    // Formats the browser cannot decode (HEIC on desktop) are checked by the server only.
    return [];
  }
}
