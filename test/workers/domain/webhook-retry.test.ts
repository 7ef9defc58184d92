// The webhook retry schedule: exponential with jitter, each wait within one queue message's
// delay limit (12 h), the whole schedule longer than a day.
import { describe, expect, it } from "vitest";
import {
  MAX_ATTEMPTS,
  MAX_DELAY_SECONDS,
  retryDelaySeconds,
  scheduleSpanSeconds,
} from "#workers/domain/webhook-retry";

describe("retryDelaySeconds", () => {
  it("grows exponentially, stays within ±20 % and never beyond a queue delay", () => {
    let previous = 0;
    for (let a = 1; a < MAX_ATTEMPTS; a++) {
      const mid = retryDelaySeconds(a, 5, () => 0.5) as number;
      const low = retryDelaySeconds(a, 5, () => 0) as number;
      const high = retryDelaySeconds(a, 5, () => 0.999) as number;
      expect(mid).toBeGreaterThanOrEqual(previous);
      expect(low).toBeGreaterThanOrEqual(Math.floor(mid * 0.8) - 1);
      expect(high).toBeLessThanOrEqual(Math.min(MAX_DELAY_SECONDS, Math.ceil(mid * 1.2) + 1));
      expect(high).toBeLessThanOrEqual(43_200);
      previous = mid;
    }
    expect(retryDelaySeconds(1, 5, () => 0.5)).toBe(5);
    expect(retryDelaySeconds(2, 5, () => 0.5)).toBe(20);
  });

  it("ends after the last attempt, and spans more than a day with the default base", () => {
    expect(retryDelaySeconds(MAX_ATTEMPTS, 5)).toBeNull();
    expect(scheduleSpanSeconds(5)).toBeGreaterThan(86_400);
    expect(retryDelaySeconds(3, 0)).toBe(0);
  });
});
