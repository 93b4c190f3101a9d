// Sample memory that its producer writes again later. A replay at full speed decodes every block
// into the same buffers (fresh megabyte-sized arrays per block cost more than the decoding: new
// memory to touch, and garbage to collect); the chunks it emits are views of them, valid only
// until the source reads its next block. Such buffers are marked here, so a stage that keeps
// samples past the current call (the run buffer of windows and events) copies these and keeps
// every other chunk's samples as they are.

const recycled = new WeakSet<ArrayBufferLike>();

/** Marks `x`'s memory as rewritten by its producer after the current block. */
export function markRecycled(x: Float32Array): void {
  recycled.add(x.buffer);
}

/** True when `x` is a view of memory its producer will write again. */
export function isRecycled(x: Float32Array): boolean {
  return recycled.has(x.buffer);
}

/** Samples that may be kept past the current call: a copy of recycled memory, else `x` itself. */
export function keepable(x: Float32Array): Float32Array {
  return recycled.has(x.buffer) ? x.slice() : x;
}
