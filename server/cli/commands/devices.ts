// `hydromon devices`: the sound-card inputs PortAudio sees (for `portaudio:<name|index>` sources).
import type { Command } from 'commander';
import { listInputDevices } from '../../../streams/sources/portaudio.ts';

export function register(program: Command): void {
  program
    .command('devices')
    .description('list audio input devices (PortAudio) usable as portaudio:<index|name> sources')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      const devices = await listInputDevices();
      if (o.json) {
        for (const d of devices) process.stdout.write(`${JSON.stringify(d)}\n`);
        return;
      }
      if (devices.length === 0) {
        process.stdout.write('no input devices found\n');
        return;
      }
      for (const d of devices) {
        process.stdout.write(`${String(d.id).padStart(3)}  ${d.name}  (${d.maxInputChannels} ch, ${d.defaultSampleRate} Hz, ${d.hostApi})\n`);
      }
    });
}
