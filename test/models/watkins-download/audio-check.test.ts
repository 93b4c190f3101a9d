import { describe, expect, it } from 'vitest';
import { checkAudioBytes } from '../../../models/watkins-download/audio-check.ts';
import { encodeWav } from '../../../streams/audio/wav-write.ts';
import { tone } from '../../helpers/signals.ts';

describe('checkAudioBytes', () => {
  it('reads rate, channels, frames and duration', () => {
    expect(checkAudioBytes(encodeWav(tone(1000, 0.01, 44100), 44100), 'ok.wav')).toEqual({
      sampleRate: 44100, channels: 1, bitsPerSample: 16, format: 'wav/pcm16', frames: 441, durationS: 0.01,
    });
    const stereo = encodeWav([tone(500, 0.01, 8000), tone(700, 0.01, 8000)], 8000, { format: 'float32' });
    expect(checkAudioBytes(stereo, 's.wav')).toMatchObject({ channels: 2, format: 'wav/float32', frames: 80 });
  });

  it('rejects an HTML page, a truncated WAV and a WAV without samples, saying why', () => {
    expect(() => checkAudioBytes(Buffer.from('<html><body>busy</body></html>'), 'x.wav')).toThrow('not a WAV or FLAC file (starts with 3c 68 74 6d)');
    const wav = encodeWav(tone(1000, 0.01, 44100), 44100);
    expect(() => checkAudioBytes(wav.subarray(0, 200), 't.wav')).toThrow('truncated data chunk: header declares 882 bytes, file holds 156');
    expect(() => checkAudioBytes(encodeWav(new Float32Array(0), 8000), 'e.wav')).toThrow('no audio frames');
  });
});
