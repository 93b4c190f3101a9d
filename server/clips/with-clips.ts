// RxJS operator: detections in, the same detections out with `clip` set once their clip is saved
// (order of completion; a detection whose clip cannot be saved comes out without one).
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Detection } from '../../streams/types.ts';
import type { ClipWriter } from './clip-writer.ts';

export function withClips(writer: ClipWriter): OperatorFunction<Detection, Detection> {
  return mergeMap((d) => writer.addDetection(d));
}
