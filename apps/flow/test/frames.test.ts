import { describe, expect, it } from 'vitest';
import { MAX_LIVENESS_FRAMES } from '../src/api.ts';
import { framePlan } from '../src/capture/frames.ts';

describe('liveness frames', () => {
  it('fit in one submission for every number of actions the server can ask', () => {
    expect(MAX_LIVENESS_FRAMES).toBe(12);
    // The server asks for at most five actions; the plan holds well beyond.
    for (let actions = 0; actions <= 10; actions++) {
      const { neutral, perAction } = framePlan(actions);
      expect(neutral + actions * perAction, `${actions} actions`).toBeLessThanOrEqual(MAX_LIVENESS_FRAMES);
      if (actions > 0) expect(perAction).toBeGreaterThanOrEqual(1);
    }
    // One action: the neutral pose and ten frames of the movement; five actions: two frames each.
    expect(framePlan(1)).toEqual({ neutral: 2, perAction: 10 });
    expect(framePlan(5)).toEqual({ neutral: 2, perAction: 2 });
  });
});
