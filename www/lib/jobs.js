// @ts-check
// Job costs for a run: the same settings and seed give the same job set.

/// A small seeded generator (mulberry32): deterministic, so links replay.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/// The cost in ms of each job, as a Float64Array:
/// - `equal`: every job costs `cost`;
/// - `random`: uniform between `cost / 2` and `cost * 3 / 2`;
/// - `heavy`: one job (chosen by the seed) costs 10 times the others;
/// - `increasing`: from `cost / jobs` up to `cost`, job after job.
export function jobCosts({ jobs, cost, dist, seed }) {
  const costs = new Float64Array(jobs);
  const random = seededRandom(seed);
  switch (dist) {
    case 'random':
      for (let i = 0; i < jobs; i++) costs[i] = cost * (0.5 + random());
      break;
    case 'heavy':
      costs.fill(cost);
      costs[Math.floor(random() * jobs)] = cost * 10;
      break;
    case 'increasing':
      for (let i = 0; i < jobs; i++) costs[i] = (cost * (i + 1)) / jobs;
      break;
    default:
      costs.fill(cost);
  }
  return costs;
}

/// A Uint8Array with 1 for each job that is set to fail (`fail=3,15`).
export function failingJobs({ jobs, fail }) {
  const flags = new Uint8Array(jobs);
  for (const job of fail) if (job >= 1 && job <= jobs) flags[job - 1] = 1;
  return flags;
}
