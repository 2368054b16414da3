// @ts-check
// Primes per range as bars, one per range as it finishes, in the colour of
// the worker that counted it. No DOM beyond its canvas.

import { workerColour } from './worker-colours.js';

export class RangeBars {
  /// `slots`: how many ranges; `chunk`: numbers per range (the first range,
  /// the densest, sets the scale).
  constructor(canvas, slots, chunk) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.slots = slots;
    this.tallest = (1.25 * chunk) / Math.log(chunk);
    this.ranges = [];
    this.context.clearRect(0, 0, canvas.width, canvas.height);
  }

  /// A finished range from `countPrimes`: drawn, and kept for the check.
  add(range) {
    const { width, height } = this.canvas;
    this.ranges[range.index] = range;
    const bar = Math.min(1, range.count / this.tallest) * height;
    this.context.fillStyle = workerColour(range.worker);
    this.context.fillRect((range.index * width) / this.slots + 0.5, height - bar, width / this.slots - 1, bar);
  }

  /// Whether every range's count equals `counts` (from the sieve), in order.
  matches(counts) {
    return counts.length === this.slots && counts.every((count, i) => this.ranges[i]?.count === count);
  }

  get total() {
    return this.ranges.reduce((sum, range) => sum + (range?.count ?? 0), 0);
  }
}
