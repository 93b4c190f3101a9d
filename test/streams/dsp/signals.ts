// Small generated signals with known answers, for the DSP tests.

export function tone(freq: number, sr: number, seconds: number, amp = 1, phase = 0): Float32Array {
  const n = Math.round(sr * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / sr + phase);
  return x;
}

/** Deterministic white noise (xorshift), uniform in [-amp, amp]. */
export function noise(n: number, amp = 1, seed = 12345): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    x[i] = amp * ((s / 0xffffffff) * 2 - 1);
  }
  return x;
}

/** Linear chirp from f0 to f1 Hz. */
export function chirp(f0: number, f1: number, sr: number, seconds: number, amp = 1): Float32Array {
  const n = Math.round(sr * seconds);
  const x = new Float32Array(n);
  const k = (f1 - f0) / seconds;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    x[i] = amp * Math.sin(2 * Math.PI * (f0 * t + 0.5 * k * t * t));
  }
  return x;
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}
