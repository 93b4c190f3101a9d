// Multi-channel → mono by averaging (not summing), so a stereo file of the same signal on both
// channels keeps its level and nothing clips.

/** Mean of the channels, sample by sample. One channel is returned as is (no copy). */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) throw new RangeError('downmix: no channels');
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const k = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}
