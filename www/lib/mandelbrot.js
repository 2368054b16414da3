// @ts-check
// What the Mandelbrot page draws: tiles as they arrive, tinted by worker or
// not, and the picture put together for the check. No DOM beyond its canvas.

import { workerColour } from './worker-colours.js';
import { countByWorker } from './legend.js';

/** @typedef {{ index: number, x: number, y: number, width: number, height: number, worker: number, job: number, data: ImageData }} DrawnTile */

export class TiledPicture {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    this.tint = false;
    /** @type {DrawnTile[]} */
    this.tiles = [];
    /** @type {DrawnTile | null} */
    this.focused = null;
    this.image = new Uint8ClampedArray(0);
    this.clear();
  }

  clear() {
    this.tiles = [];
    this.focused = null;
    this.image = new Uint8ClampedArray(this.canvas.width * this.canvas.height * 4);
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /// A finished tile from `renderMandelbrot`: drawn, and kept for the check.
  add(tile) {
    const { x, y, width, height, pixels } = tile;
    for (let row = 0; row < height; row++) {
      this.image.set(pixels.subarray(row * width * 4, (row + 1) * width * 4), ((y + row) * this.canvas.width + x) * 4);
    }
    this.tiles.push({ ...tile, pixels: undefined, data: new ImageData(pixels, width, height) });
    this.#draw(this.tiles[this.tiles.length - 1]);
  }

  setTint(tint) {
    this.tint = tint;
    this.tiles.forEach((tile) => this.#draw(tile));
    if (this.focused) this.#outline(this.focused);
  }

  /// Outlines `tile` (the keyboard's focus), or none.
  setFocus(tile) {
    const previous = this.focused;
    this.focused = tile ?? null;
    if (previous) this.#draw(previous);
    if (this.focused) this.#outline(this.focused);
  }

  #outline({ x, y, width, height }) {
    this.context.lineWidth = 2;
    this.context.strokeStyle = '#fff';
    this.context.strokeRect(x + 1, y + 1, width - 2, height - 2);
    this.context.lineWidth = 1;
  }

  #draw({ x, y, width, height, data, worker }) {
    this.context.putImageData(data, x, y);
    if (!this.tint) return;
    this.context.fillStyle = workerColour(worker, 0.45);
    this.context.fillRect(x, y, width, height);
    this.context.strokeStyle = workerColour(worker);
    this.context.strokeRect(x + 0.5, y + 0.5, width - 1, height - 1);
  }

  /// The tile under canvas pixel `(x, y)`, if drawn.
  tileAt(x, y) {
    return this.tiles.find((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height);
  }

  /// How many tiles each worker drew, by worker id.
  byWorker() {
    return countByWorker(this.tiles);
  }

  /// Whether the picture put together equals `whole`, byte for byte
  /// (compared a pixel at a time: 4 bytes in one 32-bit word).
  matches(whole) {
    if (whole.length !== this.image.length) return false;
    const [a, b] = [new Uint32Array(whole.buffer, whole.byteOffset, whole.length / 4), new Uint32Array(this.image.buffer)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
}
