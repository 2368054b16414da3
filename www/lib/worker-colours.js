// @ts-check
// Each worker's colour: the same in the timeline's lanes and wherever a page
// tints what a worker made (the Mandelbrot page's tiles). Hues step by the
// golden angle, so neighbouring worker ids never look alike.

/// Worker `id`'s colour as CSS, with `alpha` from 0 to 1.
export function workerColour(id, alpha = 1) {
  return `hsl(${((id - 1) * 137.508 + 210) % 360} 75% 48% / ${alpha})`;
}
