/** What a benchmark section exports (test/bench/sections/*.ts), so bench.ts can run any set of them. */
export interface BenchContext {
  /** Folder for the sections' JSON (out/bench). */
  readonly outDir: string;
  /** Compiled repo output root (out/), for locating entry scripts. */
  readonly outRoot: string;
  log(line: string): void;
}

export interface BenchSection {
  readonly name: string;
  readonly description: string;
  /** Runs the section, prints its table via ctx.log and returns the numbers stored as <name>.json. */
  run(ctx: BenchContext): Promise<unknown>;
}
