// A folded tcn as an inference engine on onnxruntime, or null where onnxruntime is not installed
// (an error instead when `forcedBy` says it must run). No tfjs here: both loading paths use it.
import type { FeatureConfig } from '../../streams/types.ts';
import { packBatch, type Engine } from '../batch.ts';
import type { FoldedTcn } from '../fold.ts';
import { loadOrt } from './runtime.ts';
import { onnxTcnForward } from './tcn-session.ts';

export async function onnxEngine(dir: string, folded: FoldedTcn, cfg: FeatureConfig, name: string, forcedBy: string | null): Promise<Engine | null> {
  const ort = loadOrt();
  if (!ort.runtime) {
    if (forcedBy) throw new Error(`${forcedBy}: onnxruntime cannot run model ${dir}: ${ort.reason}`);
    return null;
  }
  const f = await onnxTcnForward(ort.runtime, folded, cfg.frames, name);
  return { backend: 'onnxruntime', run: (batch) => f.forward(packBatch(batch, cfg)), dispose: () => f.dispose() };
}
