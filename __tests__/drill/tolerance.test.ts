/**
 * The drill's error bar (drill/drill.ts): one poll period plus the scheduling slack, which is 100 ms
 * or the longest event-loop delay the drill saw, whichever is longer, in model seconds.
 */
import { inPredictedRange, SCHEDULING_SLACK_MS, toleranceSeconds } from "../../drill/drill";
import { timeScale } from "../../lib/time-scale";

describe("the drill's tolerance", () => {
  it("is one poll plus 100 ms of scheduling on a quiet machine, in model seconds", () => {
    expect(SCHEDULING_SLACK_MS).toBe(100);
    expect(toleranceSeconds(1, timeScale(1))).toBe(1.1);
    expect(toleranceSeconds(1, timeScale(1), 40)).toBe(1.1);
    // At time scale 0.05, 100 ms real is 2 model seconds.
    expect(toleranceSeconds(0.5, timeScale(0.05))).toBe(2.5);
  });

  it("grows with the event loop's longest delay: a busy machine's late timers widen the error bar, not the prediction", () => {
    expect(toleranceSeconds(1, timeScale(1), 400)).toBe(1.4);
    expect(toleranceSeconds(0.5, timeScale(0.05), 300)).toBe(6.5);
  });

  it("a value in the predicted range widened by it is in range; a missing one never is", () => {
    const range = { min: 10, max: 35 };
    expect(inPredictedRange(36, range, 1.1)).toBe(true);
    expect(inPredictedRange(36.2, range, 1.1)).toBe(false);
    expect(inPredictedRange(8.9, range, 1.1)).toBe(true);
    expect(inPredictedRange(null, range, 1.1)).toBe(false);
  });
});
