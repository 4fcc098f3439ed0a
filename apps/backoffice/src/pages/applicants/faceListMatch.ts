import type { ApplicantFull, FileRef, WarningView } from '../../api/applicants.ts';

/** Warnings the face steps raise when the applicant's face is on a face list (face-processors.ts). */
const LIST_WARNINGS = new Set(['face_blacklisted', 'face_list_match']);
const ID = { list: /^fls_[0-9a-z]{26}$/, face: /^fce_[0-9a-z]{26}$/ };

/**
 * The list face a warning names, with the URL of its photo; null for other warnings and for details
 * without well-formed ids (older warnings, or anything else in the details).
 */
export function faceListHit(w: Pick<WarningView, 'kind' | 'details'>): { listId: string; faceId: string; similarity: number | null; imageUrl: string } | null {
  if (!LIST_WARNINGS.has(w.kind)) return null;
  const { listId, faceId, similarity } = (w.details ?? {}) as Record<string, unknown>;
  if (typeof listId !== 'string' || typeof faceId !== 'string' || !ID.list.test(listId) || !ID.face.test(faceId)) return null;
  return { listId, faceId, similarity: typeof similarity === 'number' ? similarity : null, imageUrl: `/v1/face-lists/${listId}/faces/${faceId}/image` };
}

// The applicant's own image to set beside a list photo, best first.
const FACE_KINDS = ['selfie', 'selfie_with_document', 'liveness_frame', 'portrait'];

/** The applicant's face image of the step that raised a warning: its current result, else its latest past one. */
export function applicantFaceFile(a: Pick<ApplicantFull, 'steps'>, stepId: string | null): FileRef | null {
  const step = a.steps.find((s) => s.id === stepId);
  if (!step) return null;
  const past = [...step.history].sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  for (const sub of [step.current, ...past].filter((s) => s !== null)) {
    const images = sub.files.filter((f) => f.mime.startsWith('image/'));
    const best = FACE_KINDS.map((k) => images.find((f) => f.kind === k)).find((f) => f);
    if (best) return best;
  }
  return null;
}
