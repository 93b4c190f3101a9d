import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../streams/sources/parse-source.ts';

describe('parseSource', () => {
  it.each([
    ['https://host.example/live/stream.m3u8', { kind: 'hls', url: 'https://host.example/live/stream.m3u8' }],
    ['http://127.0.0.1:8000/a/B.M3U8?x=1', { kind: 'hls', url: 'http://127.0.0.1:8000/a/B.M3U8?x=1' }],
    ['http://icecast.example:8000/hydrophone', { kind: 'http', url: 'http://icecast.example:8000/hydrophone' }],
    [
      'orcasound:https://s3-us-west-2.amazonaws.com/streaming-orcasound-net/rpi_orcasound_lab/',
      { kind: 'orcasound', baseUrl: 'https://s3-us-west-2.amazonaws.com/streaming-orcasound-net/rpi_orcasound_lab' },
    ],
    ['tcp://0.0.0.0:7000', { kind: 'tcp', host: '0.0.0.0', port: 7000 }],
    ['tcp://[::1]:7001', { kind: 'tcp', host: '::1', port: 7001 }],
    ['ws://127.0.0.1:9000/push', { kind: 'ws', url: 'ws://127.0.0.1:9000/push' }],
    ['wss://buoy.example/feed', { kind: 'ws', url: 'wss://buoy.example/feed' }],
    ['portaudio:2', { kind: 'portaudio', device: 2 }],
    ['portaudio:USB Audio CODEC', { kind: 'portaudio', device: 'USB Audio CODEC' }],
    ['portaudio:', { kind: 'portaudio', device: 'default' }],
    ['/data/recordings/2024-06-01', { kind: 'archive', path: '/data/recordings/2024-06-01' }],
    ['rel/file.wav', { kind: 'archive', path: 'rel/file.wav' }],
    ['file:///data/x.flac', { kind: 'archive', path: '/data/x.flac' }],
    ['C:\\data\\x.wav', { kind: 'archive', path: 'C:\\data\\x.wav' }],
  ])('%s', (spec, want) => {
    expect(parseSource(spec)).toEqual(want);
  });

  it.each([
    ['', /empty source/],
    ['   ', /empty source/],
    ['tcp://host', /expected tcp:\/\/host:port/],
    ['tcp://host:99999', /port 99999 is out of range/],
    ['tcp://host:70/path', /expected tcp:\/\/host:port/],
    ['orcasound:', /needs the node's base URL/],
    ['orcasound:ftp://x/y', /expected an http\(s\) URL/],
    ['http://', /not a valid URL/],
    ['rtsp://cam/stream', /unknown scheme "rtsp:\/\/"/],
    ['pulse:default', /unknown source type "pulse:"/],
  ])('refuses %j', (spec, msg) => {
    expect(() => parseSource(spec)).toThrow(msg);
  });
});
