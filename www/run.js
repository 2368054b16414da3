// One run of the playground: a pool, its jobs, and the model every view
// draws from. Events arrive in batches polled once a frame, never one
// message per job.

import { jobCosts } from './jobs.js';

export class RunModel {
  constructor(settings, fieldNames) {
    this.settings = settings;
    this.field = Object.fromEntries(fieldNames.map((name, i) => [name, i]));
    this.width = fieldNames.length;
    this.events = new Float64Array(0); // `width` numbers per finished job
    this.count = 0;
    this.timesDone = new Uint8Array(settings.jobs + 1); // per job number; 255 caps it
    this.duplicates = 0;
    this.workerIds = new Set();
    this.startedMs = 0;
    this.finishedMs = 0;
    this.busyMs = 0;
  }

  /// Adds a batch from `Pool.takeEvents()`; returns the index of its first event.
  add(batch) {
    const first = this.count;
    const added = batch.length / this.width;
    if (first + added > this.events.length / this.width) {
      const grown = new Float64Array(Math.max(1024, 2 * (first + added)) * this.width);
      grown.set(this.events.subarray(0, first * this.width));
      this.events = grown;
    }
    this.events.set(batch, first * this.width);
    this.count += added;
    const { job, worker, started, finished } = this.field;
    for (let i = 0; i < batch.length; i += this.width) {
      const n = batch[i + job];
      if (this.timesDone[n] > 0) this.duplicates++;
      if (this.timesDone[n] < 255) this.timesDone[n]++;
      this.workerIds.add(batch[i + worker]);
      this.busyMs += batch[i + finished] - batch[i + started];
      this.finishedMs = Math.max(this.finishedMs, batch[i + finished]);
    }
    return first;
  }

  get(index, name) {
    return this.events[index * this.width + this.field[name]];
  }

  /// Jobs that have not finished yet (all of them are "missing" until done).
  get missing() {
    let missing = 0;
    for (let n = 1; n <= this.settings.jobs; n++) if (this.timesDone[n] === 0) missing++;
    return missing;
  }
}

/// Starts a pool and queues the run's jobs; `onEvents(model, firstIndex)`
/// is called once a frame with what finished since the last frame.
export class Run {
  constructor(api, settings, onEvents) {
    this.api = api;
    this.model = new RunModel(settings, api.eventFields());
    this.onEvents = onEvents;
    this.pool = null;
    this.frame = 0;
  }

  async start() {
    const { settings } = this.model;
    this.pool = new this.api.Pool(settings.pool);
    await this.pool.ready();
    this.model.startedMs = performance.timeOrigin + performance.now();
    this.pool.submitCosts(settings.kind, jobCosts(settings));
    const done = this.pool.done();
    this.#poll();
    await done;
    this.#drain();
    cancelAnimationFrame(this.frame);
    this.pool.close();
  }

  #drain() {
    const batch = this.pool.takeEvents();
    if (batch.length > 0) this.onEvents(this.model, this.model.add(batch));
  }

  #poll() {
    this.#drain();
    this.frame = requestAnimationFrame(() => this.#poll());
  }

  /// Ends the run's workers after their current jobs; the pool's memory goes with them.
  dispose() {
    cancelAnimationFrame(this.frame);
    if (this.pool) {
      this.pool.free();
      this.pool = null;
    }
  }
}
