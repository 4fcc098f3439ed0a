/**
 * Measurements on the 468-point face mesh (MediaPipe topology, as returned by @vladmandic/human).
 * "Right"/"left" in index names are the subject's own; in an unmirrored photo the subject's right
 * eye is on the image's left.
 */
import { dist, mean, type Point } from './geometry.ts';

/** Mesh points that correspond to the 6 eye-contour points of the 68-point (iBUG) scheme. */
export const RIGHT_EYE_CONTOUR = [33, 160, 158, 133, 153, 144] as const;
export const LEFT_EYE_CONTOUR = [362, 385, 387, 263, 373, 380] as const;
/** Mesh points that correspond to the 20 lip points of the 68-point scheme (12 outer, 8 inner). */
export const MOUTH_68 = [61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181, 78, 82, 13, 312, 308, 317, 14, 87] as const;
export const NOSE_TIP = 1;
export const MOUTH_RIGHT_CORNER = 61;
export const MOUTH_LEFT_CORNER = 291;

export type Mesh = readonly Point[];

const pts = (mesh: Mesh, idx: readonly number[]): Point[] => idx.map((i) => mesh[i]!);

/** Five landmarks named by image side, which is what a caller drawing on the photo needs. */
export interface FiveLandmarks {
  leftEye: Point;
  rightEye: Point;
  nose: Point;
  mouthLeft: Point;
  mouthRight: Point;
}

export function eyeCentres(mesh: Mesh): { subjectRight: Point; subjectLeft: Point } {
  return { subjectRight: mean(pts(mesh, RIGHT_EYE_CONTOUR)), subjectLeft: mean(pts(mesh, LEFT_EYE_CONTOUR)) };
}

export function mouthCentre(mesh: Mesh): Point {
  return mean(pts(mesh, MOUTH_68));
}

export function fiveLandmarks(mesh: Mesh): FiveLandmarks {
  const { subjectRight, subjectLeft } = eyeCentres(mesh);
  const mr = mesh[MOUTH_RIGHT_CORNER]!;
  const ml = mesh[MOUTH_LEFT_CORNER]!;
  const eyesSwap = subjectRight.x > subjectLeft.x;
  const mouthSwap = mr.x > ml.x;
  return {
    leftEye: eyesSwap ? subjectLeft : subjectRight,
    rightEye: eyesSwap ? subjectRight : subjectLeft,
    nose: mesh[NOSE_TIP]!,
    mouthLeft: mouthSwap ? ml : mr,
    mouthRight: mouthSwap ? mr : ml,
  };
}

/**
 * Eye aspect ratio (Soukupová & Čech, 2016): mean lid gap over eye width. About 0.25–0.35 for an
 * open eye, under ~0.15 when closed; independent of face size and roll.
 */
export function eyeAspectRatio(mesh: Mesh, contour: readonly number[]): number {
  const [outer, up1, up2, inner, lo2, lo1] = pts(mesh, contour) as [Point, Point, Point, Point, Point, Point];
  const width = dist(outer, inner);
  if (width === 0) return 0;
  return (dist(up1, lo1) + dist(up2, lo2)) / (2 * width);
}

export function eyeOpenness(mesh: Mesh): { right: number; left: number } {
  return { right: eyeAspectRatio(mesh, RIGHT_EYE_CONTOUR), left: eyeAspectRatio(mesh, LEFT_EYE_CONTOUR) };
}

/** Mouth width over the distance between eye centres: rises by roughly a fifth in a broad smile. */
export function mouthWidthRatio(mesh: Mesh): number {
  const { subjectRight, subjectLeft } = eyeCentres(mesh);
  const iod = dist(subjectRight, subjectLeft);
  return iod > 0 ? dist(mesh[MOUTH_RIGHT_CORNER]!, mesh[MOUTH_LEFT_CORNER]!) / iod : 0;
}
