import { MAX_LIVENESS_FRAMES } from '../api.ts';

/** Frames of the neutral pose every action is compared with. */
const NEUTRAL_FRAMES = 2;
/** Without actions (one-shot mode) a short burst of the still face. */
const ONE_SHOT_FRAMES = 5;

/**
 * How many frames a liveness attempt keeps of the neutral pose and of each action, so that the whole
 * attempt fits in one submission (the server takes at most MAX_LIVENESS_FRAMES).
 */
export function framePlan(actions: number, max = MAX_LIVENESS_FRAMES): { neutral: number; perAction: number } {
  if (actions <= 0) return { neutral: Math.min(ONE_SHOT_FRAMES, max), perAction: 0 };
  const neutral = Math.min(NEUTRAL_FRAMES, max);
  return { neutral, perAction: Math.max(1, Math.floor((max - neutral) / actions)) };
}
