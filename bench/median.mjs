// @ts-check
// The one statistic every bench reports: the median of its runs.
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
