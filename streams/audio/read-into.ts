// AudioStream.read(maxFrames, into): the caller's buffers, checked and cut to the block.

/** A read's `into` must hold every channel of the block (a caller's bug otherwise, not bad audio). */
export function checkInto(into: readonly Float32Array[], channels: number, frames: number, path: string): void {
  if (into.length < channels || into.some((a, c) => c < channels && a.length < frames)) {
    throw new RangeError(`${path}: read into ${into.length} buffer(s) of ${into.map((a) => a.length).join('/')} samples, need ${channels} of ${frames}`);
  }
}

/** The first `frames` samples of each of the first `channels` buffers. */
export function viewsOf(into: readonly Float32Array[], channels: number, frames: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) out.push(into[c].subarray(0, frames));
  return out;
}
