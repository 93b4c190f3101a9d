// Running the system's ffmpeg: which binary, what to say when it is missing, and how to be sure a
// child is gone. Shared by the file decoder (audio/) and the network sources (sources/), so that
// decoding a file does not load the live-source machinery.
import type { ChildProcess } from 'node:child_process';

/** ffmpeg executable: the given path, else $HYDROMON_FFMPEG, else `ffmpeg` on the PATH. */
export function ffmpegBinary(path?: string): string {
  return path ?? process.env.HYDROMON_FFMPEG ?? 'ffmpeg';
}

/** The error a station or file reader reports when ffmpeg (or `tool`, one of its programs) cannot be run. */
export function notFoundMessage(bin: string, tool = 'ffmpeg', envVar = 'HYDROMON_FFMPEG'): string {
  return `${tool} not found (could not run "${bin}"): install ffmpeg (Debian: apt-get install ffmpeg) or set ${envVar}`;
}

/** Kill a child and make sure nothing of it is left (its pipes closed too). */
export function killChild(child: ChildProcess): void {
  child.stdout?.removeAllListeners('data');
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.stdin?.destroy();
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
