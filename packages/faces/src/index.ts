export { FaceError, isFaceError, NO_FACE_MESSAGE, type FaceErrorCode } from './errors.ts';
export {
  CALIBRATION,
  cosineDistance,
  DEFAULT_MATCH_THRESHOLD,
  distanceToSimilarity,
  EMBEDDING_DIM,
  EMBEDDING_DISTANCE,
  EMBEDDING_MODEL,
  isMatch,
  l2normalize,
  similarity,
  similarityToDistance,
  type Embedding,
} from './similarity.ts';
export {
  createFaceEngine,
  type AntiSpoof,
  type CompareResult,
  type DetectOptions,
  type DetectResult,
  type Face,
  type FaceEngine,
  type FaceEngineOptions,
  type FaceSource,
  type FaceSummary,
  type LivenessFrame,
  type Pose,
  type QualityIssue,
  type SelfieWithDocumentResult,
} from './engine.ts';
export { DEFAULT_IMAGE_LIMITS, sniffImageFormat, type ImageFormat, type ImageLimits } from './image.ts';
export type { Box, Point } from './geometry.ts';
export type { FiveLandmarks } from './landmarks.ts';
export { createVectorIndex, type SearchOptions, type VectorHit, type VectorIndex } from './vector-index.ts';
export {
  createChallenge,
  evaluateLiveness,
  LIVENESS_ACTIONS,
  type ActionResult,
  type ChallengeOptions,
  type FrameMeasurement,
  type LivenessAction,
  type LivenessChallenge,
  type LivenessOptions,
  type LivenessReason,
  type LivenessResult,
} from './liveness.ts';
export { faceCommand, type FaceCommandOptions } from './cli.ts';
export {
  assessSelfie,
  checkConsistency,
  type ConsistencyOptions,
  type ConsistencyResult,
  type DocumentFacts,
  type SelfieAssessment,
  type SelfieFlag,
} from './checks.ts';
