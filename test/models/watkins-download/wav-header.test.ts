import { describe, expect, it } from 'vitest';
import { checkWavHeader } from '../../../models/watkins-download/wav-header.ts';
import { encodeWav } from '../../../streams/audio/wav-write.ts';
import { tone } from '../../helpers/signals.ts';

const wav = encodeWav(tone(1000, 0.01, 44100), 44100); // 441 frames, 16-bit mono

function withListChunk(w: Uint8Array): Uint8Array {
  // Insert a LIST chunk (odd size → pad byte) between fmt and data, as many real files have.
  const list = new Uint8Array([...Buffer.from('LIST'), 5, 0, 0, 0, 1, 2, 3, 4, 5, 0]);
  const out = new Uint8Array(w.length + list.length);
  out.set(w.subarray(0, 36), 0);
  out.set(list, 36);
  out.set(w.subarray(36), 36 + list.length);
  return out;
}

describe('checkWavHeader', () => {
  it('reads rate, channels, frames and duration of a valid file', () => {
    expect(checkWavHeader(wav, wav.length)).toEqual({
      sampleRate: 44100, channels: 1, bitsPerSample: 16, formatTag: 1, dataBytes: 882, frames: 441, durationS: 0.01,
    });
    const stereo = encodeWav([tone(500, 0.01, 8000), tone(700, 0.01, 8000)], 8000, { format: 'float32' });
    expect(checkWavHeader(stereo, stereo.length)).toMatchObject({ channels: 2, bitsPerSample: 32, formatTag: 3, frames: 80 });
  });

  it('skips chunks before data, honouring the pad byte', () => {
    const w = withListChunk(wav);
    expect(checkWavHeader(w, w.length).frames).toBe(441);
  });

  it('rejects an HTML page, a truncated file and a header without data', () => {
    const html = Buffer.from('<html><body>503</body></html>');
    expect(() => checkWavHeader(html, html.length)).toThrow('not a RIFF/WAVE file (starts with "<html><body>")');
    expect(() => checkWavHeader(wav.subarray(0, 200), 200)).toThrow('data chunk declares 882 bytes but the file holds 156 (truncated?)');
    expect(() => checkWavHeader(wav.subarray(0, 36), 36)).toThrow('no data chunk found');
    expect(() => checkWavHeader(wav.subarray(0, 8), 8)).toThrow(/too short/);
  });
});
