// Multi-channel → mono by averaging (not summing), so a stereo file of the same signal on both
// channels keeps its level and nothing clips.

/**
 * Mean of the channels, sample by sample. One channel is returned as is (no copy). `into` (at
 * least as long as a channel) receives the mix instead of a new array; the result is a view of it.
 */
export function downmix(channels: readonly Float32Array[], into?: Float32Array): Float32Array {
  if (channels.length === 0) throw new RangeError('downmix: no channels');
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  if (into && into.length < n) throw new RangeError(`downmix: output of ${into.length} samples for ${n}`);
  const out = into ? into.subarray(0, n) : new Float32Array(n);
  out.set(channels[0]);
  for (let c = 1; c < channels.length; c++) {
    const ch = channels[c];
    for (let i = 0; i < n; i++) out[i] += ch[i];
  }
  const k = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}
