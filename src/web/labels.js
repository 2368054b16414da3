// Used by both builds' pools (src/web/pool.rs).

/// `takeLabels`' array, `[[job, label], ...]`, built here from one string
/// and the labels' ends in it (Rust's side sends three values, not a pair
/// per label: the calls across the boundary were the cost).
export function unpackLabels(jobs, text, ends) {
  const labels = new Array(jobs.length);
  for (let i = 0, start = 0; i < jobs.length; start = ends[i], i++) labels[i] = [jobs[i], text.slice(start, ends[i])];
  return labels;
}
