import { describe, expect, it } from 'vitest';
import { decodeColumn, encodeColumn, parseClientMessage } from '../../server/ws-protocol.ts';

describe('dashboard wire format', () => {
  it('round-trips a spectrogram column in the documented layout', () => {
    const bins = Uint8Array.from({ length: 256 }, (_, i) => i);
    const frame = encodeColumn({ station: 'orcasound-lab', t: 1_795_000_000_123.5, maxHz: 24000, bins });
    expect(frame.length).toBe(16 + 13 + 256);
    expect(frame[0]).toBe(1);
    expect(frame[1]).toBe(13);
    expect(new TextDecoder().decode(frame.subarray(2, 15))).toBe('orcasound-lab');
    const dv = new DataView(frame.buffer);
    expect(dv.getFloat64(15, true)).toBe(1_795_000_000_123.5);
    expect(dv.getUint16(27, true)).toBe(256);
    const back = decodeColumn(frame.buffer as ArrayBuffer);
    expect(back?.station).toBe('orcasound-lab');
    expect(back?.maxHz).toBe(24000);
    expect([...back!.bins]).toEqual([...bins]);
  });

  it('rejects truncated or foreign frames and oversize ids', () => {
    const frame = encodeColumn({ station: 'ü-station', t: 1, maxHz: 1, bins: new Uint8Array(10) });
    expect(decodeColumn(frame)?.station).toBe('ü-station');
    expect(decodeColumn(frame.subarray(0, frame.length - 1))).toBeNull();
    expect(decodeColumn(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBeNull();
    expect(() => encodeColumn({ station: 'x'.repeat(256), t: 1, maxHz: 1, bins: new Uint8Array(1) })).toThrow(/longer than 255/);
  });

  it('parses only well-formed client messages', () => {
    expect(parseClientMessage('{"type":"subscribe","station":"lab"}')).toEqual({ type: 'subscribe', station: 'lab' });
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ type: 'ping' });
    for (const bad of ['', 'null', '[]', '{"type":"subscribe"}', '{"type":"subscribe","station":""}', '{"type":"rm","station":"lab"}', `{"type":"subscribe","station":"${'x'.repeat(5000)}"}`]) {
      expect(parseClientMessage(bad), bad.slice(0, 30)).toBeNull();
    }
  });
});
