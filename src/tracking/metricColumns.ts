// A metric history as three parallel Float64Array columns, filled point by point without an object per point.

/** A metric history as columns (steps[i], values[i], timestamps[i] are one point). */
export interface MetricColumns {
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
}

/** Growable columns: push points, then take them trimmed to length. */
export class MetricColumnsBuilder {
  private steps: Float64Array;
  private values: Float64Array;
  private timestamps: Float64Array;
  private n = 0;

  /** `capacity`: a guess of the number of points; the columns double when it is short. */
  constructor(private capacity = 1024) {
    this.capacity = Math.max(16, Math.ceil(capacity));
    this.steps = new Float64Array(this.capacity);
    this.values = new Float64Array(this.capacity);
    this.timestamps = new Float64Array(this.capacity);
  }

  push(step: number, value: number, timestamp: number): void {
    if (this.n === this.capacity) this.grow();
    this.steps[this.n] = step;
    this.values[this.n] = value;
    this.timestamps[this.n] = timestamp;
    this.n++;
  }

  /** The points pushed so far (the builder should not be used afterwards). */
  finish(): MetricColumns {
    const n = this.n;
    if (n === this.capacity) return { steps: this.steps, values: this.values, timestamps: this.timestamps };
    return { steps: this.steps.slice(0, n), values: this.values.slice(0, n), timestamps: this.timestamps.slice(0, n) };
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = (a: Float64Array): Float64Array => {
      const b = new Float64Array(this.capacity);
      b.set(a);
      return b;
    };
    this.steps = grown(this.steps);
    this.values = grown(this.values);
    this.timestamps = grown(this.timestamps);
  }
}

/** A history with no points. */
export function emptyMetricColumns(): MetricColumns {
  return { steps: new Float64Array(0), values: new Float64Array(0), timestamps: new Float64Array(0) };
}
