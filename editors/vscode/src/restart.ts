// How often a crashed server is restarted: a few times, then no more until
// the user restarts it, so a binary that dies at start does not loop.

export class CrashBudget {
  private crashes: number[] = [];

  constructor(
    /** Restarts allowed within the window. */
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true when the server should be restarted. */
  recordCrash(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.maxRestarts;
  }

  /** Forgets earlier crashes (after a restart the user asked for). */
  reset(): void {
    this.crashes = [];
  }

  get recent(): number {
    return this.crashes.length;
  }
}

/** The message shown when the server is given up on. */
export function gaveUpMessage(budget: CrashBudget): string {
  const minutes = Math.round(budget.windowMs / 60000);
  return `The claude-ls server stopped ${budget.recent} times in ${minutes} minutes and will not be restarted. See the output channel "claude-ls", then run "Claude: Restart Server".`;
}
