// Values that travel through the Watkins downloader: what the site lists, what we plan to fetch,
// and what a run reports.

/** One entry of the species index (`<option value=…>` on index.cfm). */
export interface SpeciesLink {
  /** Name as the site shows it, e.g. "Atlantic Spotted Dolphin". */
  readonly name: string;
  /** Folder name under the output directory, e.g. "atlantic-spotted-dolphin". */
  readonly slug: string;
  /** Absolute URL of the species' "best of" page. */
  readonly url: string;
}

/** One cut listed on a species page, with the metadata the page shows (fields absent where it doesn't). */
export interface WatkinsCut {
  /** Watkins file id, e.g. "61025001" (the audio file's name without extension). */
  readonly fileId: string;
  readonly species: string;
  readonly speciesSlug: string;
  /** Absolute audio URL (the page's `<source src>`). */
  readonly audioUrl: string;
  /** Page the cut was listed on (for error messages). */
  readonly pageUrl: string;
  readonly tapeId?: string;
  /** Recording date as the page writes it (the project's manifests keep it verbatim, e.g. "09-Jun-1962"). */
  readonly recorded?: string;
  readonly location?: string;
  readonly sampleRate?: number;
  readonly durationS?: number;
}

export type CutOutcome = 'downloaded' | 'skipped' | 'copied' | 'failed';

/** Progress events for a UI; the downloader itself prints nothing. */
export type DownloadEvent =
  | { readonly type: 'index'; readonly url: string; readonly species: readonly SpeciesLink[] }
  | { readonly type: 'species-page'; readonly species: string; readonly url: string; readonly cuts: number }
  | { readonly type: 'plan'; readonly total: number }
  | { readonly type: 'retry'; readonly url: string; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | {
      readonly type: 'cut';
      readonly fileId: string;
      readonly species: string;
      readonly outcome: CutOutcome;
      readonly path: string;
      readonly reason?: string;
    };

export interface FailedCut {
  readonly fileId: string;
  readonly species: string;
  readonly url: string;
  readonly reason: string;
}

export interface SpeciesSummary {
  readonly name: string;
  readonly slug: string;
  readonly url: string;
  /** Cuts listed on the page (0 when the page failed). */
  readonly cuts: number;
  /** Why the page could not be read, if it could not. */
  readonly error?: string;
}

export interface WatkinsDownloadSummary {
  readonly species: readonly SpeciesSummary[];
  /** Files fetched over the network in this run. */
  readonly downloaded: number;
  /** Files already complete on disk (nothing fetched). */
  readonly skipped: number;
  /** Files of a cut listed under a second species, copied locally instead of fetched again. */
  readonly copied: number;
  readonly failed: readonly FailedCut[];
  /** Species pages that could not be fetched or parsed. */
  readonly pageErrors: readonly { readonly url: string; readonly reason: string }[];
  /** Retried HTTP attempts (429/5xx/timeouts/truncations) across the run. */
  readonly retries: number;
  /** File ids listed under more than one species, with those species (sorted by file id). */
  readonly multiSpecies: readonly { readonly fileId: string; readonly species: readonly string[] }[];
  readonly manifestPath: string;
  /** Rows written to the manifest (complete, valid files). */
  readonly manifestRows: number;
}
