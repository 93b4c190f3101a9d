// MODEL_CARD.md of a trained model: what it was trained on, how it was split, what it scored,
// what it cannot do, and whose recordings these are.
import { bandLimitRates } from './augment.ts';
import type { FeatureConfig } from '../streams/types.ts';
import type { ResampleCheck, StreamCheck } from './checks.ts';
import { meanSd, type Metrics } from './metrics.ts';
import type { SplitScore } from './cross-splits.ts';
import type { Calibration } from './calibration.ts';

export interface CardInput {
  readonly name: string;
  readonly arch: string;
  readonly params: number;
  readonly command: string;
  readonly seed: number;
  readonly trainedAt: string;
  readonly cfg: FeatureConfig;
  readonly labels: readonly string[];
  readonly threshold: number;
  /** How the threshold was chosen. */
  readonly thresholdRule?: string;
  readonly manifests: readonly string[];
  readonly trainCounts: Record<string, number>;
  readonly nTrainClips: number;
  readonly nValClips: number;
  readonly groupsPerSpecies: Record<string, { train: string[]; val: string[] }>;
  readonly sameTapeSpecies: readonly string[];
  readonly trainedOnRecordings: readonly string[];
  readonly heldOutRecordings: readonly string[];
  readonly bestEpoch: number;
  /** Each branch of a statistics-head model kept at its own best epoch (bestEpoch is the later). */
  readonly branchEpochs?: { readonly conv: number; readonly stats: number };
  /** Statistics-head models: the conv branch's logits count this much in the sum (absent = 1). */
  readonly convWeight?: number;
  /** Size of the random recorder response in training when not the default 4 dB (--recorder-response). */
  readonly recorderResponseDb?: number;
  /** The shipped model was trained again on every clip (validation tapes too) for bestEpoch epochs. */
  readonly refit?: { readonly clips: number; readonly epochs: number; readonly examples: number };
  readonly epochs: number;
  readonly epochSeconds: number;
  /** Tape-disjoint validation clips: top label, and with the threshold ('unknown' below it). */
  readonly disjointTop: Metrics;
  readonly disjointThresholded: Metrics;
  readonly sameTapeTop: Metrics | null;
  /** Windows of held-out continuous recordings (background and call windows), thresholded. */
  readonly continuousThresholded: Metrics | null;
  readonly resampling: readonly ResampleCheck[];
  readonly stream: StreamCheck | null;
  readonly baselines: readonly { arch: string; params: number; accuracy: number; macroF1: number; command: string }[];
  readonly confusionPng: string;
  /** The recipe scored on several split seeds (--cross-splits), this run's split first. */
  readonly crossSplits?: readonly SplitScore[];
  /** Temperature scaling (absent in cards of models trained before it). */
  readonly calibration?: Calibration;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const f3 = (x: number): string => x.toFixed(3);

function perClassTable(m: Metrics): string {
  const rows = Object.entries(m.per_class).filter(([, c]) => c.support > 0 || c.precision > 0);
  return ['| class | precision | recall | F1 | support |', '|---|---|---|---|---|',
    ...rows.map(([l, c]) => `| ${l} | ${f3(c.precision)} | ${f3(c.recall)} | ${f3(c.f1)} | ${c.support} |`)].join('\n');
}

function confusionTable(m: Metrics): string {
  const { labels, matrix } = m.confusion;
  const keep = labels.map((_, i) => matrix[i].some((v) => v > 0) || matrix.some((r) => r[i] > 0));
  const idx = labels.map((_, i) => i).filter((i) => keep[i]);
  const short = (s: string): string => s.split(' ').map((w) => w[0]).join('');
  return [`| true \\ predicted | ${idx.map((i) => short(labels[i])).join(' | ')} |`, `|---|${idx.map(() => '---').join('|')}|`,
    ...idx.map((i) => `| ${labels[i]} | ${idx.map((j) => (matrix[i][j] ? String(matrix[i][j]) : '·')).join(' | ')} |`)].join('\n');
}

/** Tape ids as they are; clips without a tape (each its own recording) by file name. */
function shortGroups(gs: readonly string[]): string {
  const files = gs.filter((g) => g.includes('/'));
  const tapes = gs.filter((g) => !g.includes('/'));
  return [...tapes, ...(files.length > 0 ? [`${files.length} recordings (${files.map((f) => f.split('/').pop()).join(', ')})`] : [])].join(', ');
}

/** "2–22.05 kHz": the band-limit augmentation's recorder rates at this analysis rate. */
function bandLimitText(sampleRate: number): string {
  const r = bandLimitRates(sampleRate);
  return `${r[0] / 1000}–${r[r.length - 1] / 1000} kHz`;
}

/** Mean ± sd of accuracy and macro-F1 over split seeds: the card's section and its verdict read the same numbers. */
function splitMeans(rows: readonly SplitScore[]): { acc: { mean: number; sd: number }; f1: { mean: number; sd: number } } {
  return { acc: meanSd(rows.map((r) => r.accuracy)), f1: meanSd(rows.map((r) => r.macroF1)) };
}

function crossSplitSection(rows: readonly SplitScore[], seed: number, { acc, f1 }: ReturnType<typeof splitMeans>): string[] {
  const rs = rows.every((r) => r.at22050) ? rows.map((r) => r.at22050!) : null;
  const rsAcc = rs && meanSd(rs.map((r) => r.accuracy));
  return [
    '## Across splits', '',
    `One split is one draw of which tapes are held out, and with few tapes per species it moves by several points. The same recipe (same init seed, no refit) on ${rows.length} seeded tape-disjoint splits, top label on each split's unseen-tape clips (\`--cross-splits ${rows.length}\`; split seed ${seed} is the split above):`, '',
    `| split seed | clips | accuracy | macro-F1 |${rs ? ' accuracy, clips resampled to 22,050 Hz |' : ''}`, `|---|---|---|---|${rs ? '---|' : ''}`,
    ...rows.map((r) => `| ${r.seed} | ${r.n} | ${pct(r.accuracy)} | ${f3(r.macroF1)} |${r.at22050 && rs ? ` ${pct(r.at22050.accuracy)} |` : ''}`),
    `| **mean ± sd** | | **${pct(acc.mean)} ± ${(100 * acc.sd).toFixed(1)}** | **${f3(f1.mean)} ± ${f3(f1.sd)}** |${rsAcc ? ` ${pct(rsAcc.mean)} ± ${(100 * rsAcc.sd).toFixed(1)} |` : ''}`, '',
  ];
}

export function renderCard(c: CardInput): string {
  const s = c.stream;
  const lines: string[] = [];
  lines.push(`# Model card: ${c.name}`, '');
  lines.push(`Species classifier of the hydromon monitor: one ${c.cfg.frames}×${c.cfg.nMfcc} MFCC matrix${c.cfg.rhythm === true ? ' plus one row of envelope rhythm' : ''} (streams/dsp/adaptive.ts \`fixedFeatures\`${c.cfg.rhythm === true ? ', streams/dsp/rhythm.ts' : ''}) per window or event → ${c.labels.length} labels (${c.labels.join(', ')}). Architecture \`${c.arch}\` (models/architectures.ts), ${c.params.toLocaleString('en')} parameters. ${c.convWeight !== undefined && c.convWeight !== 1 ? `Inference adds ${c.convWeight} × the conv branch's logits to the statistics head's (\`--conv-weight\`). ` : ''}Predictions whose top probability is below the threshold **${c.threshold}** are \`unknown\`; \`background\` and \`unknown\` make no detection.`, '');
  if (c.thresholdRule) lines.push(`The threshold was chosen on ${c.thresholdRule}.`, '');
  lines.push('## How it was made', '');
  lines.push('```', c.command, '```', '');
  lines.push(`Seed ${c.seed}; trained ${c.trainedAt}; ${c.branchEpochs ? `each branch kept at the epoch where it scored best alone — conv branch ${c.branchEpochs.conv}, statistics head ${c.branchEpochs.stats} — of ${c.epochs} run` : `best epoch ${c.bestEpoch} of ${c.epochs} run`} (early stopping on the validation score: mean of the tape-disjoint clip macro-F1 and the held-out window macro-F1, mean ${c.epochSeconds.toFixed(0)} s wall per epoch on a shared 2-core machine, tfjs wasm backend). Feature config (stored in feature-config.json; loading a model whose config differs from the code's is an error):`, '');
  lines.push('```json', JSON.stringify(c.cfg), '```', '');
  lines.push("Every random draw follows from the seed: the split, the initial weights, dropout and shuffling, and each file's augmentation, which is seeded by the file's path relative to its manifest (continuous recordings: by file name; models/dataset.ts). The command therefore trains the same weights wherever the data sits, given the same code and tfjs backend.", '');
  if (c.refit) {
    lines.push(`**The shipped weights are a refit.** After the split run chose the epoch count, the same recipe (seed, augmentation, architecture) trained a fresh model on all ${c.refit.clips} clips — validation tapes included — for ${c.refit.epochs} epochs${c.branchEpochs ? ` (each branch kept at its split-run epoch)` : ''} (${c.refit.examples} examples). It has heard more recorders, which is what new hydrophones need, but no clip is left to score it on: the clip results below are those of the split model, an estimate for a model that saw fewer tapes. The held-out continuous recordings stayed out of both, so the streaming check and the threshold below are the shipped model's own.`, '');
  }
  lines.push('## Data', '');
  lines.push(`Manifests: ${c.manifests.map((m) => `\`${m}\``).join(', ')}. ${c.nTrainClips} training clips, ${c.nValClips} validation clips. Continuous recordings used for training (call windows and call-free background windows): ${c.trainedOnRecordings.map((r) => `\`${r}\``).join(', ') || 'none'}; held out for validation and the streaming check: ${c.heldOutRecordings.map((r) => `\`${r}\``).join(', ') || 'none'}.`, '');
  lines.push((c.refit ? 'Training examples per label of the shipped refit ' : 'Training examples per label ') + `(after augmentation: each clip gives one whole-clip "event" view and several 1.5–3 s "sliding window" views embedded in real ocean noise or cropped; random gain ±20 dB, ocean noise at 0–25 dB SNR, white noise, band-limiting to ${bandLimitText(c.cfg.sampleRate)} recorder rates, time masking; and in every epoch a random smooth recorder frequency response (±${c.recorderResponseDb ?? 4} dB/k on cepstral coefficients 1–6)):`, '');
  lines.push('| label | examples |', '|---|---|', ...Object.entries(c.trainCounts).sort().map(([l, n]) => `| ${l} | ${n} |`), '');
  lines.push('## Split', '');
  lines.push('Seeded split by recording tape (`tape_id`; clips naming two tapes merge them), about 25 % of each species\' clips in validation; no tape on both sides. Continuous recordings are split by file.', '');
  lines.push('| species | training tapes | validation tapes |', '|---|---|---|',
    ...Object.entries(c.groupsPerSpecies).sort().map(([sp, g]) => `| ${sp} | ${shortGroups(g.train)} | ${shortGroups(g.val) || '—'} |`), '');
  if (c.sameTapeSpecies.length > 0) {
    lines.push(`**Single-tape species: ${c.sameTapeSpecies.join(', ')}.** All their clips come from one tape (after merging), so no tape-disjoint validation is possible: a quarter of their clips is validated against a model trained on the other clips of the same tape. Those numbers are reported apart below and say little about new recordings.`, '');
  }
  lines.push('## Results on the tape-disjoint validation clips', '');
  lines.push(`Top label: accuracy **${pct(c.disjointTop.accuracy)}**, macro-F1 **${f3(c.disjointTop.macro_f1)}** (n = ${c.disjointTop.n}). With the threshold (\`unknown\` counts as wrong): accuracy ${pct(c.disjointThresholded.accuracy)}, macro-F1 ${f3(c.disjointThresholded.macro_f1)}. The checkpoint was chosen on this validation set (early stopping), so these numbers are slightly optimistic.`, '');
  lines.push(perClassTable(c.disjointTop), '');
  if (c.calibration?.declined) {
    const k = c.calibration, d = k.declined!;
    lines.push(`Probabilities are the network's own: a temperature fitted on the ${k.n} validation examples (clips and held-out windows) by log-likelihood (${d.temperature}) would have raised their expected calibration error (10 bins of top probability) from ${f3(k.errorBefore)} to ${f3(d.error)}, so it is not applied (calibration.ts chooseTemperature). At ${f3(k.errorBefore)}, a top probability of 0.7 is right about 70 % of the time on those examples; they also chose the checkpoint, so this is optimistic. Top labels do not change.`, '');
  } else if (c.calibration && c.calibration.temperature !== 1) {
    const k = c.calibration;
    const fitted = `Probabilities are temperature-scaled: the logits are divided by **${k.temperature}**, fitted on the ${k.n} validation examples (clips and held-out windows) by log-likelihood`;
    const ece = `expected calibration error on those examples (10 bins of top probability): ${f3(k.errorBefore)} → ${f3(k.errorAfter)}; fitted and measured on the same examples, so optimistic`;
    // The log-likelihood fit can still leave the top probabilities further from how often they are right: say so.
    lines.push(k.errorAfter <= k.errorBefore
      ? `${fitted}, so that a top probability of 0.7 is right about 70 % of the time there. E${ece.slice(1)}. Top labels do not change.`
      : `${fitted}. That lowered the log-loss there but not the ${ece}. Read a top probability as a ranking score, not as how often it is right. Top labels do not change.`, '');
  }
  lines.push(`Confusion matrix (rows true, columns predicted; ![confusion matrix](${c.confusionPng}) rows normalised, green frame = diagonal, order as below):`, '');
  lines.push(confusionTable(c.disjointTop), '');
  if (c.sameTapeTop) lines.push(`Single-tape species (same-tape validation, not comparable): accuracy ${pct(c.sameTapeTop.accuracy)}, n = ${c.sameTapeTop.n}.`, '', perClassTable(c.sameTapeTop), '');
  if (c.continuousThresholded) lines.push(`Windows of the held-out continuous recordings (2 s background windows and call windows, threshold applied; \`unknown\` on background counts as wrong here): accuracy ${pct(c.continuousThresholded.accuracy)}, n = ${c.continuousThresholded.n}.`, '', perClassTable(c.continuousThresholded), '');
  const means = c.crossSplits && c.crossSplits.length > 1 ? splitMeans(c.crossSplits) : null;
  if (c.crossSplits && means) lines.push(...crossSplitSection(c.crossSplits, c.seed, means));
  if (c.baselines.length > 0) {
    lines.push('## Other models on the same split', '');
    lines.push('The research reported 83.2 % (seed CNN) and 70.2 % (dense baseline) on a random clip-level split of the 32-species set, where clips of one tape sit on both sides. Here every model (the research\'s two, and any cheaper variants of ours) is trained with the same data, augmentation and seed and scored by top label on the same tape-disjoint validation clips:', '');
    lines.push('| architecture | parameters | accuracy | macro-F1 | command |', '|---|---|---|---|---|',
      `| ${c.arch} (this model) | ${c.params} | ${pct(c.disjointTop.accuracy)} | ${f3(c.disjointTop.macro_f1)} | above |`,
      ...c.baselines.map((b) => `| ${b.arch} | ${b.params} | ${pct(b.accuracy)} | ${f3(b.macroF1)} | \`${b.command}\` |`), '');
  }
  lines.push('## Robustness to the recorder: the validation clips resampled', '');
  lines.push('Every input is resampled to the analysis rate first; here the same tape-disjoint validation clips are first resampled to another recorder rate (top label).', '');
  lines.push('| clips at | accuracy | macro-F1 |', '|---|---|---|', ...c.resampling.map((r) => `| ${r.rate === 'native' ? 'native rate' : `${r.rate} Hz`} | ${pct(r.metrics.accuracy)} | ${f3(r.metrics.macro_f1)} |`), '');
  lines.push('The noise gate (streams/dsp/noise-gate.ts) works on the stream\'s STFT frames, so it is compared in the streaming check below rather than on isolated clips.', '');
  lines.push('## Right-whale streaming check', '');
  if (s) {
    lines.push(`The live pipeline's sliding windows (2 s, hop 1 s; views over one STFT of each whole recording, as the monitor computes them) over the held-out recordings ${s.annotated.map((a) => `\`${a.split('/').pop()}\``).join(', ')} (annotated upcalls) and ${s.background.map((b) => `\`${b.split('/').pop()}\``).join(', ')} (no upcalls, ${(s.atThreshold.backgroundHours * 60).toFixed(0)} min). A call is found when a right-whale detection overlaps it within ±1 s; a false alarm is any detection on the background recording. For reference, a plain band-energy detector found 3/20 upcalls at 190 false alarms/h.`, '');
    lines.push('| threshold | upcalls found | recall | background false alarms / h (windows) | (merged runs) | right-whale windows away from calls / h |', '|---|---|---|---|---|---|');
    const row = (m: StreamCheck['atThreshold'], note: string): string => `| ${m.threshold}${note} | ${m.hit}/${m.calls} | ${pct(m.recall)} | ${m.backgroundFaPerHour.toFixed(1)} | ${m.backgroundFaEventsPerHour.toFixed(1)} | ${m.offCallPerHour.toFixed(1)} |`;
    lines.push(row(s.atThreshold, ' (shipped)'), ...s.sweep.map((m) => row(m, '')), '');
    if (s.gate) {
      lines.push(`The same check with the noise gate, at the threshold ${c.threshold}:`, '');
      lines.push('| noise gate | upcalls found | recall | background false alarms / h | right-whale windows away from calls / h |', '|---|---|---|---|---|',
        ...([['off', s.gate.off], ['on (defaults)', s.gate.on]] as const).map(([n, m]) => `| ${n} | ${m.hit}/${m.calls} | ${pct(m.recall)} | ${m.backgroundFaPerHour.toFixed(1)} | ${m.offCallPerHour.toFixed(1)} |`), '');
    }
    lines.push(s.atTenPerHour ? `Lowest swept threshold with ≤ 10 false alarms/h on the held-out background: ${s.atTenPerHour.threshold}, recall ${pct(s.atTenPerHour.recall)} (chosen on the check's own background, so optimistic).` : 'No swept threshold kept background false alarms at or below 10/h.', '');
  } else lines.push('Not run (no held-out continuous recordings).', '');
  lines.push('## Limits', '');
  // Judged on the mean over split seeds when there are several: one split is one draw.
  const cross = c.crossSplits && means ? { acc: means.acc.mean, f1: means.f1.mean, n: c.crossSplits.length } : null;
  const met = (cross ? cross.acc : c.disjointTop.accuracy) >= 0.9 && (cross ? cross.f1 : c.disjointTop.macro_f1) >= 0.88;
  lines.push(`- The project's targets on tape-disjoint validation (accuracy ≥ 90 %, macro-F1 ≥ 0.88) are **${met ? 'met' : 'not met'}**: ${cross ? `${pct(cross.acc)} and ${f3(cross.f1)} averaged over ${cross.n} split seeds; on the split above ` : ''}${pct(c.disjointTop.accuracy)} and ${f3(c.disjointTop.macro_f1)} by top label, ${pct(c.disjointThresholded.accuracy)} and ${f3(c.disjointThresholded.macro_f1)} once predictions under the threshold count as \`unknown\`. Weakest on their unseen tapes (recall < 40 %): ${Object.entries(c.disjointTop.per_class).filter(([, m]) => m.support > 0 && m.recall < 0.4).map(([l, m]) => `${l} ${pct(m.recall)}`).join(', ') || 'none'}.`);
  lines.push('- The held-out recordings choose the checkpoint and the threshold as well as being reported: they are validation, not test data, and the streaming numbers are optimistic.');
  if (s?.gate && s.gate.on.backgroundFaPerHour > 2 * s.gate.off.backgroundFaPerHour + 1) {
    lines.push(`- **Keep the noise gate off with this model**: it was trained on ungated features, and gated input raised false alarms on the background from ${s.gate.off.backgroundFaPerHour.toFixed(0)} to ${s.gate.on.backgroundFaPerHour.toFixed(0)} per hour.`);
  }
  lines.push('- Ten Watkins species, Southern Resident killer whales and background only; any other sound gets one of these labels or `unknown`. The manifests decide the label set: the full 32-species Watkins set trains with the same command.',
    '- Watkins "best of" cuts are clean, hand-picked calls from 1950s–1990s tapes; live hydrophones are noisier. Several species come from one or two tapes, so tape-disjoint validation rests on few recordings and per-class numbers move a lot with the split.',
    '- The background class was learned from two sites (Gulf of Maine 2009 buoys, GSC 2000), 2 kHz recordings: other noise (ships, rain, self-noise) may still be taken for a species.',
    '- Right-whale upcalls come from one 2009 deployment; the check uses one held-out 15-minute recording.', '');
  lines.push('## Data licences and credit', '');
  lines.push('- Watkins clips: "Watkins Marine Mammal Sound Database, Woods Hole Oceanographic Institution" — free for personal or academic use, not commercial.',
    '- Killer-whale clips: Orcasound (orcasound.net), signals-srkw repository — CC BY-NC-SA.',
    '- Right-whale upcalls and background: DCLDE 2013 data as packaged by the MERIDIAN/OSmOSE benchmark.',
    '- The weights are derived from these recordings: use them non-commercially and keep this credit.', '');
  return lines.join('\n');
}
