import { assessSelfie, checkConsistency, NO_FACE_MESSAGE, similarity, type Face, type LivenessChallenge } from '@tessera/faces';
import type { Processor, ProcessorInput, ProcessorResult, WarningInput } from '../steps/step-types.ts';
import type { TFaceStore, FaceSource } from './face-store.ts';
import { getFaceEngine } from './face-engine.ts';

type FaceOut = NonNullable<ProcessorResult['faces']>[number];

/** Quality problems the applicant can fix by taking the photo again. */
const RETAKE = new Set(['too_small', 'blurry', 'partially_visible', 'too_dark', 'overexposed', 'eyes_closed', 'extreme_pose', 'low_confidence', 'low_contrast']);

const faceSummary = (f: Face | null) =>
  f ? { box: f.box, pose: f.pose, quality: f.quality, sharpness: f.sharpness, eyesOpen: f.eyesOpen, antiSpoof: f.antiSpoof, age: Math.round(f.age), gender: f.gender } : null;

export type TFaceChecks = ReturnType<typeof faceChecksFactory>;

/**
 * The checks every new face goes through: another applicant of the organisation with the same face
 * (duplicate account), a face on a blacklist (blocks the session), a customer list (informational),
 * and age / gender against the document.
 */
export function faceChecksFactory(deps: { faces: TFaceStore; listKind: (listId: string) => Promise<{ kind: string; name: string } | null>; threshold: number }) {
  return async function check(input: ProcessorInput, embedding: ArrayLike<number>, face: Face | null) {
    const warnings: WarningInput[] = [];
    let blocked = false;
    const hits = await deps.faces.search({ orgId: input.applicant.orgId, mode: input.applicant.mode }, embedding, { k: 20, minSimilarity: deps.threshold });
    for (const h of hits) {
      if (h.applicantId && h.applicantId !== input.applicant.id) {
        warnings.push({ kind: 'duplicate_face', sourceKey: h.applicantId, severity: 'warning', message: `The same face belongs to applicant ${h.applicantId} (${Math.round(h.similarity)}%).`, details: { otherApplicantId: h.applicantId, similarity: h.similarity } });
      } else if (h.listId) {
        const list = await deps.listKind(h.listId);
        if (!list) continue;
        if (list.kind === 'blacklist') blocked = true;
        warnings.push({
          kind: list.kind === 'blacklist' ? 'face_blacklisted' : 'face_list_match',
          sourceKey: h.listId,
          severity: list.kind === 'blacklist' ? 'critical' : 'info',
          message: `The face matches the ${list.kind === 'blacklist' ? 'blacklist' : 'list'} "${list.name}" (${Math.round(h.similarity)}%).`,
          details: { listId: h.listId, faceId: h.id, similarity: h.similarity },
        });
      }
    }
    const info = input.info ?? {};
    if (face && (info.birthDate || info.sex)) {
      const c = checkConsistency(face, { dateOfBirth: (info.birthDate as string) ?? null, sex: (info.sex as string) ?? null });
      for (const w of c.warnings) {
        warnings.push({ kind: w, sourceKey: input.step.id, severity: 'warning', message: w === 'age_mismatch' ? `Estimated age ${c.age?.estimated.toFixed(0)} differs from the document's ${c.age?.document}.` : 'The estimated gender differs from the document.', details: { age: c.age, gender: c.gender } });
      }
    }
    return { warnings, blocked };
  };
}

/** Selfie: one usable, live face; its template is kept for face match and duplicate search. */
export function selfieProcessor(check: TFaceChecks): Processor {
  return async (input) => {
    const file = input.files.find((f) => f.kind === 'selfie');
    if (!file) return { outcome: 'failed', reasons: ['no_image'], summary: {} };
    const engine = await getFaceEngine();
    const det = await engine.detect(await input.readFile(file), { embeddings: true });
    const a = assessSelfie(det);
    const allowContinue = (input.step.settings as { allowContinueWithoutFace?: boolean }).allowContinueWithoutFace;
    if (!a.face) {
      return { outcome: allowContinue ? 'review' : 'failed', reasons: ['no_face'], summary: { faces: { count: 0 }, message: NO_FACE_MESSAGE } };
    }
    const embedding = a.face.embedding!;
    const { warnings, blocked } = await check(input, embedding, a.face);
    const retake = a.flags.filter((f) => RETAKE.has(f));
    const review = a.flags.filter((f) => !RETAKE.has(f));
    if (a.flags.includes('spoof_suspected')) warnings.push({ kind: 'spoof_suspected', sourceKey: input.step.id, severity: 'warning', message: 'The selfie may be a photo of a photo or a screen.', details: { antiSpoof: a.face.antiSpoof } });
    const outcome = blocked ? 'failed' : retake.length ? 'failed' : review.length || warnings.some((w) => w.severity !== 'info') ? 'review' : 'passed';
    return {
      outcome,
      reasons: [...(blocked ? ['face_blacklisted'] : []), ...a.flags],
      summary: { faces: { count: a.faceCount, face: faceSummary(a.face) }, quality: a.face.quality, message: retake.length ? 'Take the photo again: make sure your face is sharp, well lit and fully visible.' : null },
      warnings,
      faces: [{ source: 'selfie', embedding: Array.from(embedding), quality: a.face.quality.score }],
      blockSession: blocked,
    };
  };
}

/** Active or one-shot liveness from timestamped frames, matched against the applicant's other faces. */
export function livenessProcessor(deps: { check: TFaceChecks; faces: TFaceStore }): Processor {
  return async (input) => {
    const payload = input.payload as { timestamps: number[]; challenge: LivenessChallenge & { mode?: string }; mirrored?: boolean; submittedAt?: number };
    const frames = input.files.filter((f) => f.kind === 'liveness_frame');
    if (!frames.length || !payload?.challenge) return { outcome: 'failed', reasons: ['no_frames'], summary: {} };
    const engine = await getFaceEngine();
    const images = await Promise.all(frames.map((f) => input.readFile(f)));
    const refs = await references(deps.faces, input, ['document', 'selfie']);
    if (payload.challenge.mode === 'one_shot' || payload.challenge.actions.length === 0) {
      // One shot: the sharpest live face among the frames.
      let best: Face | null = null;
      for (const img of images) {
        const d = await engine.detect(img, { embeddings: true });
        const f = d.faces[0];
        if (f && (!best || f.quality.score > best.quality.score)) best = f;
      }
      if (!best) return { outcome: 'failed', reasons: ['no_face'], summary: { message: NO_FACE_MESSAGE } };
      const { warnings, blocked } = await deps.check(input, best.embedding!, best);
      const refSims = refs.map((r) => ({ label: r.label, similarity: similarity(best!.embedding!, r.embedding) }));
      const mismatch = refSims.some((r) => r.similarity < 85);
      const reasons = [...(blocked ? ['face_blacklisted'] : []), ...(best.antiSpoof.live ? [] : ['spoof_suspected']), ...(mismatch ? ['reference_mismatch'] : [])];
      return {
        outcome: blocked || !best.antiSpoof.live ? 'failed' : mismatch ? 'review' : 'passed',
        reasons,
        summary: { liveness: { mode: 'one_shot', antiSpoof: best.antiSpoof, references: refSims } },
        warnings,
        faces: [{ source: 'liveness', embedding: Array.from(best.embedding!), quality: best.quality.score }],
        blockSession: blocked,
      };
    }
    const r = await engine.verifyLiveness(
      payload.challenge,
      images.map((image, i) => ({ image, timestamp: payload.timestamps[i] })),
      // Judged as of the submission: a job that runs later must not find the challenge expired.
      { mirrored: payload.mirrored ?? false, references: refs, now: payload.submittedAt },
    );
    const faces: FaceOut[] = r.bestFrame ? [{ source: 'liveness', embedding: Array.from(r.bestFrame.embedding), quality: r.bestFrame.quality }] : [];
    const checked = r.bestFrame ? await deps.check(input, r.bestFrame.embedding, null) : { warnings: [], blocked: false };
    return {
      outcome: checked.blocked || !r.passed ? 'failed' : checked.warnings.some((w) => w.severity !== 'info') ? 'review' : 'passed',
      reasons: [...(checked.blocked ? ['face_blacklisted'] : []), ...r.reasons],
      summary: { liveness: { mode: 'active', actions: r.perAction, antiSpoof: { score: r.antiSpoof.score, live: r.antiSpoof.live }, sameFace: r.sameFace, references: r.references, frames: r.frames } },
      warnings: checked.warnings,
      faces,
      blockSession: checked.blocked,
    };
  };
}

/** Selfie holding the document: both faces found, matching each other and the document step's portrait. */
export function selfieWithDocumentProcessor(deps: { check: TFaceChecks; faces: TFaceStore }): Processor {
  return async (input) => {
    const file = input.files.find((f) => f.kind === 'selfie_with_document');
    if (!file) return { outcome: 'failed', reasons: ['no_image'], summary: {} };
    const engine = await getFaceEngine();
    const [portrait] = await references(deps.faces, input, ['document']);
    const r = await engine.selfieWithDocument(await input.readFile(file), portrait ? { documentPortrait: { embedding: portrait.embedding } } : {});
    const faces: FaceOut[] = [];
    if (r.holder?.embedding) faces.push({ source: 'selfie_with_document', embedding: Array.from(r.holder.embedding), quality: r.holder.quality.score });
    if (r.document?.embedding) faces.push({ source: 'held_document', embedding: Array.from(r.document.embedding), quality: r.document.quality.score });
    const checked = r.holder?.embedding ? await deps.check(input, r.holder.embedding, r.holder) : { warnings: [], blocked: false };
    const retake = r.reasons.some((x) => x === 'no_face' || x === 'document_not_visible');
    return {
      outcome: checked.blocked || retake ? 'failed' : r.passed && !checked.warnings.some((w) => w.severity !== 'info') ? 'passed' : 'review',
      reasons: [...(checked.blocked ? ['face_blacklisted'] : []), ...r.reasons],
      summary: { faces: { count: r.faceCount, holder: faceSummary(r.holder), document: faceSummary(r.document) }, holderVsDocument: r.holderVsDocument, vsDocumentPortrait: r.vsDocumentPortrait, message: retake ? 'Hold your document next to your face so both are clearly visible.' : null },
      warnings: checked.warnings,
      faces,
      blockSession: checked.blocked,
    };
  };
}

/** Face match: every pair of the chosen sources must reach the threshold; below goes to review. */
export function faceMatchProcessor(deps: { faces: TFaceStore }): Processor {
  return async (input) => {
    const s = input.step.settings as { sources: string[]; threshold: number };
    const got = new Map<string, number[]>();
    const missing: string[] = [];
    for (const src of s.sources) {
      const [ref] = await references(deps.faces, input, [src as FaceSource]);
      if (ref) got.set(src, ref.embedding);
      else missing.push(src);
    }
    const names = [...got.keys()];
    const pairs: { a: string; b: string; similarity: number; match: boolean }[] = [];
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) {
        const sim = Math.round(similarity(got.get(names[i])!, got.get(names[j])!) * 10) / 10;
        pairs.push({ a: names[i], b: names[j], similarity: sim, match: sim >= s.threshold });
      }
    const min = pairs.length ? Math.min(...pairs.map((p) => p.similarity)) : null;
    const summary = { similarity: min, threshold: s.threshold, pairs, missing };
    if (names.length < 2) return { outcome: 'review', reasons: missing.map((m) => `${m}_face_missing`), summary };
    const passed = pairs.every((p) => p.match) && !missing.length;
    return {
      outcome: passed ? 'passed' : 'review',
      reasons: [...(pairs.some((p) => !p.match) ? ['low_face_match'] : []), ...missing.map((m) => `${m}_face_missing`)],
      summary,
      warnings: pairs.some((p) => !p.match) ? [{ kind: 'low_face_match', sourceKey: input.step.id, severity: 'warning', message: `Faces match at ${min}%, below the ${s.threshold}% threshold.`, details: { pairs } }] : [],
    };
  };
}

/** The applicant's current template for each source step (from its active, completed submission). */
async function references(faces: TFaceStore, input: ProcessorInput, sources: FaceSource[]) {
  const out: { label: string; embedding: number[] }[] = [];
  for (const src of sources) {
    const sub = input.sources.get(src === 'held_document' ? 'selfie_with_document' : src);
    if (!sub) continue;
    const rows = await faces.ofSubmissions([sub.submission.id]);
    const row = rows.filter((r) => r.source === src).sort((a, b) => (b.quality ?? 0) - (a.quality ?? 0))[0];
    if (row) out.push({ label: src, embedding: row.embedding });
  }
  return out;
}
