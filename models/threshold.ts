// The detection threshold a model ships with: calibrated on validation data and the held-out
// background recording (train-run.ts), then raised to a floor the trainer sets. The held-out
// background holds no ship, shrimp, echo sounder or test-signal sounds, so its false-alarm budget
// alone can leave a threshold that those sounds cross (see the model card).

export interface ThresholdChoice {
  readonly threshold: number;
  /** What chose it, in words for the model card ("The threshold was chosen on …"). */
  readonly rule: string;
}

/** `choice` raised to `floor` when the floor is higher; the rule then says both. */
export function withThresholdFloor(choice: ThresholdChoice, floor: number | undefined): ThresholdChoice {
  if (floor === undefined || !(floor > choice.threshold)) return choice;
  if (!(floor < 1)) throw new Error(`threshold floor must be below 1, not ${floor}`);
  return { threshold: floor, rule: `its floor (--min-threshold ${floor}), above the ${choice.threshold} chosen on ${choice.rule}` };
}
