// `hydromon train`: train a species classifier from manifests (+ annotated continuous recordings
// and background recordings) and write the model folder with its card.
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { resolve } from 'node:path';
import { ARCH_NAMES, DEFAULT_MIN_THRESHOLD, DEFAULT_STATS_VIEWS, isArchName } from '../../../models/arch-names.ts';
import { DEFAULT_ANALYSIS_RATE, featureConfigAt } from '../../../models/feature-config.ts';
import { parseSeaNoiseKinds, SEA_NOISE_KINDS } from '../../../models/sea-noise.ts';
import { DEFAULT_SYNTHETIC_KINDS, parseSyntheticKinds, SYNTHETIC_KINDS } from '../../../models/synthetic-background.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

function nonNegativeInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be an integer ≥ 0, got '${v}'`);
  return n;
}

function unitInterval(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--${name} must be a number from 0 to 1, got '${v}'`);
  return n;
}

function belowOne(name: string, v: string): number {
  const n = Number(v);
  // a threshold of 1 would never detect anything
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new Error(`--${name} must be a number from 0 up to (not including) 1, got '${v}'`);
  return n;
}

function nonNegative(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, got '${v}'`);
  return n;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a number > 0, got '${v}'`);
  return n;
}

/** The command as typed, with the data folder written as $HYDROMON_DATA so the card travels. */
function commandLine(): string {
  const root = process.env.HYDROMON_DATA;
  const args = process.argv.slice(2).map((a) => (root && a.startsWith(root) ? `$HYDROMON_DATA${a.slice(root.length)}` : a));
  return `hydromon ${args.join(' ')}`;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a species classifier; writes weights, labels, feature config, threshold and MODEL_CARD.md')
    .requiredOption('--manifest <csv>', 'clip manifest (path,species[,tape_id,…]); repeat to merge', collect, [])
    .requiredOption('--out <dir>', 'model folder to write, e.g. models/my-model')
    .option('--annotations <csv>', 'annotation table of continuous recordings (filename,start,end); repeat', collect, [])
    .option('--annotated-species <name>', 'species of the annotated calls', 'Northern Right Whale')
    .option('--background <path>', 'call-free recording or folder of them (background class); repeat', collect, [])
    .option('--holdout <file>', 'continuous recording (file name) kept out of training for validation; repeat', collect, [])
    .addOption(new Option('--arch <name>', 'architecture (default: the shipped model\'s)').choices([...ARCH_NAMES]).default('tcn-cmn-stats'))
    .option('--epochs <n>', 'maximum epochs', '40')
    .option('--patience <n>', 'early stopping patience (epochs)', '8')
    .option('--seed <n>', 'seed of split, augmentation and training', '1')
    .option('--batch-size <n>', 'batch size', '32')
    .option('--name <name>', 'model name (default: the folder name)')
    .option('--compare <dir>', 'another model folder trained on the same split, listed in the card; repeat', collect, [])
    .option('--variants <n>', 'augmented views per training clip', '8')
    .option('--skip-checks', 'skip the resampling and streaming checks')
    .option('--refit-all', 'after the split run picks the epoch count, train the shipped model again on every clip (validation tapes too); the card reports the split model\'s numbers')
    .option('--analysis-rate <hz>', 'analysis sample rate every input is brought to (16000 or 32000; 32000 keeps whistles above 8 kHz)', String(DEFAULT_ANALYSIS_RATE))
    .option('--label-smoothing <e>', 'label smoothing ε (0–1): targets (1 − ε)·one-hot + ε/classes', '0')
    .option('--recorder-response <dB>', 'size of the random smooth recorder frequency response drawn for every example each epoch (coefficient k gets N(0, (dB/k)²) dB)', '4')
    .option('--mixup <alpha>', 'mixup α: blend each training example with a random partner (features and targets), λ ~ Beta(α, α); 0 = off', '0')
    .option('--init-seed <n>', 'seed of weight init, dropout and shuffling only (default: --seed); the split and augmented examples stay those of --seed')
    .option('--teacher <dir>', 'distil from this saved model trained on the same split seed (split model, not a refit); repeat for an ensemble: targets become α·one-hot + (1 − α)·mean teacher probabilities on the same augmented view', collect, [])
    .option('--refit-teacher <dir>', 'with --refit-all and --teacher: a refit model (trained on every clip) teaching the refit; repeat', collect, [])
    .option('--distill-alpha <a>', 'with --teacher: weight of the hard label (0–1; default 0.5)')
    .option('--distill-temperature <t>', 'with --teacher: soften the teachers\' probabilities as softmax(z/t) (default 1)')
    .option('--synthetic-background <n>', 'background examples of synthetic input faults (broadband noise, DC, mains hum, clipping, near-silence) added to training when it has a background class (--background or --annotations); 0 = none', '240')
    .option('--synthetic-kinds <list>', `which faults --synthetic-background draws, comma-separated, of ${SYNTHETIC_KINDS.join(', ')} (whine: a pulse or sawtooth wave at one pitch)`, DEFAULT_SYNTHETIC_KINDS.join(','))
    .option('--sea-noise <n>', 'background examples of synthetic sea noise (ship propellers, rain; see --sea-noise-kinds) added like --synthetic-background; 0 = none (default 80 for tcn-cmn-stats, else 0)')
    .option('--sea-noise-mix <p>', 'share of the noise that training calls are embedded in or mixed with drawn from the same synthetic sea noise (0–1; default 0.25 for tcn-cmn-stats, else 0)')
    .option('--sea-noise-kinds <list>', `which sea noises --sea-noise and --sea-noise-mix draw from, comma-separated, of ${SEA_NOISE_KINDS.join(', ')} (shrimp and sounder cost the species accuracy; see the model card)`, 'ship,rain')
    .option('--sea-noise-mix-kinds <list>', 'which sea noises --sea-noise-mix draws from under calls, if not those of --sea-noise-kinds')
    .option('--no-temperature', 'keep the raw probabilities: do not fit a temperature on the validation examples (calibration)')
    .option('--head-loss <how>', 'tcn-cmn-stats only: "separate" trains the conv branch and the statistics head each on its own cross-entropy, "joint" trains them through their summed logits', 'separate')
    .option('--cross-splits <n>', 'also train the recipe on split seeds seed+1 … seed+n−1 (no refit, no streaming check) and report every split and their mean in the card: one split moves by several points', '1')
    .option('--no-branch-checkpoints', 'statistics-head models with separate losses: one checkpoint for the whole model (chosen by the summed output) instead of each branch at the epoch where it scored best alone')
    .option('--stats-views <which>', 'tcn-cmn-stats with separate losses: "all" training views teach the statistics head, or only the "whole"-clip views and the continuous recordings\' windows (not the clips\' synthetic sliding windows), or those and a share (0–1) of the sliding windows (default 0.25); the conv branch learns from all')
    .option('--conv-weight <w>', 'tcn-cmn-stats: inference adds w × the conv branch\'s logits to the statistics head\'s (0–1; 1 = plain sum; default 0.2 for tcn-cmn-stats)')
    .option('--rhythm', 'tcn-cmn-stats only (its default): add the envelope-rhythm row (autocorrelation of band energies at 16 ms … 1.28 s, onsets) to the features and the statistics head')
    .option('--no-rhythm', 'tcn-cmn-stats: features without the rhythm row')
    .option('--band-limit-p <p>', 'share of training clip views band-limited to a slower recorder (0–1)', '0.6')
    .option('--max-false-alarms-per-hour <n>', 'raise the threshold until held-out background recordings give at most n false alarms per hour', '10')
    .option('--min-threshold <p>', 'never ship a detection threshold below p (0–1), whatever calibration chose: the held-out background has no ship, shrimp, echo-sounder or test-signal sounds (default 0.5 for tcn-cmn-stats, else none)')
    .action(async (opts: { manifest: string[]; out: string; annotations: string[]; annotatedSpecies: string; background: string[]; holdout: string[]; arch: string; epochs: string; patience: string; seed: string; batchSize: string; name?: string; compare: string[]; skipChecks?: boolean; refitAll?: boolean; maxFalseAlarmsPerHour: string; variants: string; analysisRate: string; bandLimitP: string; labelSmoothing: string; recorderResponse: string; mixup: string; initSeed?: string; teacher: string[]; refitTeacher: string[]; distillAlpha?: string; distillTemperature?: string; headLoss: string; branchCheckpoints: boolean; crossSplits: string; temperature: boolean; syntheticBackground: string; syntheticKinds: string; seaNoise?: string; seaNoiseMix?: string; seaNoiseKinds: string; seaNoiseMixKinds?: string; rhythm?: boolean; statsViews?: string; convWeight?: string; minThreshold?: string }) => {
      if (!isArchName(opts.arch)) throw new Error(`--arch must be one of ${ARCH_NAMES.join(', ')}`);
      // The shipped recipe is the default for tcn-cmn-stats; the other architectures have no statistics head to apply it to.
      const stats = opts.arch === 'tcn-cmn-stats';
      if (opts.rhythm === true && !stats) throw new Error(`--rhythm needs --arch tcn-cmn-stats (only its statistics head reads the rhythm row), not ${opts.arch}`);
      if (opts.convWeight !== undefined && !stats) throw new Error(`--conv-weight needs --arch tcn-cmn-stats (a conv branch and a statistics head), not ${opts.arch}`);
      const viewShare = opts.statsViews !== undefined && /^(0(\.\d+)?|1)$/.test(opts.statsViews) ? Number(opts.statsViews) : null;
      if (opts.statsViews !== undefined && opts.statsViews !== 'all' && opts.statsViews !== 'whole' && viewShare === null) throw new Error(`--stats-views must be all, whole or a share of the sliding windows from 0 to 1, not ${opts.statsViews}`);
      if (opts.statsViews !== undefined && !stats) throw new Error(`--stats-views needs --arch tcn-cmn-stats (it chooses what the statistics head learns from), not ${opts.arch}`);
      const rhythm = opts.rhythm ?? stats;
      const statsViews: 'all' | 'whole' | number | undefined = stats ? (viewShare ?? (opts.statsViews as 'all' | 'whole' | undefined) ?? (opts.headLoss === 'joint' ? 'all' : DEFAULT_STATS_VIEWS)) : undefined;
      const convWeight = stats ? unitInterval('conv-weight', opts.convWeight ?? '0.2') : undefined;
      if (opts.headLoss !== 'separate' && opts.headLoss !== 'joint') throw new Error(`--head-loss must be separate or joint, not ${opts.headLoss}`);
      const epochs = positiveInt('epochs', opts.epochs);
      const bar = new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} batches | {status}', hideCursor: true, stopOnComplete: false }, cliProgress.Presets.shades_classic);
      let barEpoch = 0;
      const log = (m: string): void => { if (barEpoch > 0) bar.stop(); barEpoch = 0; process.stderr.write(`${m}\n`); };
      // on demand: the trainer brings tfjs, which `run` and `replay` (same CLI process) never need
      const { trainAndWrite } = await import('../../../models/train-run.ts');
      const summary = await trainAndWrite({
        manifests: opts.manifest.map((m) => resolve(m)),
        annotated: opts.annotations.map((t) => ({ table: resolve(t), species: opts.annotatedSpecies })),
        background: opts.background.map((b) => resolve(b)),
        holdout: opts.holdout,
        labelSmoothing: unitInterval('label-smoothing', opts.labelSmoothing),
        recorderResponseDb: nonNegative('recorder-response', opts.recorderResponse),
        mixup: nonNegative('mixup', opts.mixup),
        headLoss: opts.headLoss,
        statsViews,
        convWeight,
        branchCheckpoints: opts.branchCheckpoints,
        crossSplits: positiveInt('cross-splits', opts.crossSplits),
        temperatureScaling: opts.temperature,
        syntheticBackground: nonNegativeInt('synthetic-background', opts.syntheticBackground),
        syntheticKinds: parseSyntheticKinds(opts.syntheticKinds),
        seaNoise: nonNegativeInt('sea-noise', opts.seaNoise ?? (stats ? '80' : '0')),
        seaNoiseKinds: parseSeaNoiseKinds(opts.seaNoiseKinds),
        initSeed: opts.initSeed === undefined ? undefined : positiveInt('init-seed', opts.initSeed),
        teachers: opts.teacher.map((d) => resolve(d)),
        refitTeachers: opts.refitTeacher.map((d) => resolve(d)),
        distillAlpha: opts.distillAlpha === undefined ? undefined : unitInterval('distill-alpha', opts.distillAlpha),
        distillTemperature: opts.distillTemperature === undefined ? undefined : positive('distill-temperature', opts.distillTemperature),
        cfg: featureConfigAt(positiveInt('analysis-rate', opts.analysisRate), rhythm),
        arch: opts.arch, epochs, seed: positiveInt('seed', opts.seed), patience: positiveInt('patience', opts.patience),
        batchSize: positiveInt('batch-size', opts.batchSize),
        dataset: { variantsPerClip: positiveInt('variants', opts.variants), pBandLimit: unitInterval('band-limit-p', opts.bandLimitP), seaNoiseMix: unitInterval('sea-noise-mix', opts.seaNoiseMix ?? (stats ? '0.25' : '0')), seaNoiseKinds: parseSeaNoiseKinds(opts.seaNoiseMixKinds ?? opts.seaNoiseKinds) },
        maxFalseAlarmsPerHour: nonNegative('max-false-alarms-per-hour', opts.maxFalseAlarmsPerHour),
        minThreshold: opts.minThreshold === undefined ? (stats ? DEFAULT_MIN_THRESHOLD : undefined) : belowOne('min-threshold', opts.minThreshold),
        out: resolve(opts.out), name: opts.name, compare: opts.compare.map((d) => resolve(d)), skipChecks: opts.skipChecks, refitAll: opts.refitAll === true,
        command: commandLine(),
        log,
        onBatch: (epoch, b, total) => {
          if (barEpoch !== epoch) { if (barEpoch > 0) bar.stop(); bar.start(total, 0, { epoch, status: 'training' }); barEpoch = epoch; }
          bar.update(b);
        },
        onEpoch: (e) => {
          const status = `loss ${e.loss.toFixed(3)} val acc ${(100 * e.valAccuracy).toFixed(1)} % macro-F1 ${e.valMacroF1.toFixed(3)} score ${e.score.toFixed(3)}${e.branchScores ? ` (conv ${e.branchScores.conv.toFixed(3)}, stats ${e.branchScores.stats.toFixed(3)})` : ''} (${e.seconds.toFixed(0)} s)`;
          if (barEpoch > 0) { bar.update({ status }); bar.stop(); barEpoch = 0; }
          // Without a terminal the bar draws nothing: keep one line per epoch in the log.
          if (!process.stderr.isTTY) process.stderr.write(`epoch ${e.epoch}: ${status}\n`);
        },
      });
      process.stdout.write(`${summary.name}: tape-disjoint validation accuracy ${(100 * summary.disjointTop.accuracy).toFixed(1)} %, macro-F1 ${summary.disjointTop.macro_f1.toFixed(3)}, threshold ${summary.threshold}; wrote ${opts.out}\n`);
    });
}
