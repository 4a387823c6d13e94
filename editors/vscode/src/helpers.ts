// The Workbench helpers from the command palette: "Improve Prompt…",
// "Generate Test Cases…" and "Compare with Git Revision…" each ask one
// thing, then send the server's claude-ls.improve, claude-ls.generateTests
// or claude-ls.compare (lsp/helpers.go) with one argument object. No vscode
// import here: the unit tests run without VS Code.

/**
 * How many test cases one generation asks for, by default and at most: the
 * server says so in initialize (capabilities.experimental.generateTests).
 */
export interface GenerateBounds {
  default: number;
  max: number;
}

export interface ImproveArgs {
  uri: string;
  goal?: string;
}

export interface GenerateTestsArgs {
  uri: string;
  n: number;
}

export interface CompareArgs {
  uri: string;
  rev?: string;
}

/**
 * claude-ls.improve's argument for the goal typed: undefined when the box
 * was dismissed (Escape cancels), no goal when it was left empty.
 */
export function improveArgs(uri: string, goal: string | undefined): ImproveArgs | undefined {
  if (goal === undefined) {
    return undefined;
  }
  const g = goal.trim();
  return g ? { uri, goal: g } : { uri };
}

/** What is wrong with the number of test cases typed, or undefined when it will do. */
export function testCountProblem(text: string, bounds: GenerateBounds): string | undefined {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  return n >= 1 && n <= bounds.max ? undefined : `A whole number from 1 to ${bounds.max}.`;
}

/** claude-ls.generateTests's argument: undefined when dismissed or not a number the box accepts. */
export function generateTestsArgs(uri: string, count: string | undefined, bounds: GenerateBounds): GenerateTestsArgs | undefined {
  if (count === undefined || testCountProblem(count, bounds)) {
    return undefined;
  }
  return { uri, n: Number(count.trim()) };
}

/**
 * claude-ls.compare's argument: undefined when dismissed; empty leaves the
 * server's default, HEAD. The server refuses what is not a revision.
 */
export function compareArgs(uri: string, rev: string | undefined): CompareArgs | undefined {
  if (rev === undefined) {
    return undefined;
  }
  const r = rev.trim();
  return r ? { uri, rev: r } : { uri };
}

