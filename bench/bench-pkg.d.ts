// bench/closures' exports (www/bench-pkg/, built by bench/closures.mjs and
// bench/mandelbrot.mjs when they run, so absent from a clean clone).
export default function init(): Promise<unknown>;
export function initThreadPool(threads: number): Promise<unknown>;
export const PoolscopePool: any;
export function work(item: number): number;
export function poolscopeClosures(pool: unknown, items: number): any;
export function rayonClosures(host: unknown, items: number): any;
export function poolscopeMap(pool: unknown, workload: string, items: number, perItem: boolean): Promise<number>;
export function poolscopeMapRange(pool: unknown, workload: string, items: number): Promise<number>;
export function rayonMap(host: unknown, workload: string, items: number): Promise<number>;
export function poolscopeMandelbrot(pool: unknown, ...args: any[]): any;
export function rayonMandelbrot(host: unknown, ...args: any[]): any;
export function oneThreadMandelbrot(...args: any[]): any;
