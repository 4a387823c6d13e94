// The Workbench helpers from the command palette: "Improve Prompt…",
// "Generate Test Cases…" and "Compare with Git Revision…" each ask one
// thing, then send the server's claude-ls.improve, claude-ls.generateTests
// or claude-ls.compare (lsp/helpers.go) with one argument object. No vscode
// import here: the unit tests run without VS Code.

/** How many test cases are asked for when the box is left as it is (workbench/generate.go). */
export const defaultTestCount = 3;

/** The most test cases asked for at once: what `claude-ls tests generate -n` allows (cmd/claude-ls/testsgen.go). */
export const maxTestCount = 50;

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
export function testCountProblem(text: string): string | undefined {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  return n >= 1 && n <= maxTestCount ? undefined : `A whole number from 1 to ${maxTestCount}.`;
}

/** claude-ls.generateTests's argument: undefined when dismissed or not a number the box accepts. */
export function generateTestsArgs(uri: string, count: string | undefined): GenerateTestsArgs | undefined {
  if (count === undefined || testCountProblem(count)) {
    return undefined;
  }
  return { uri, n: Number(count.trim()) };
}

/**
 * What is wrong with the revision typed, or undefined. Empty is HEAD, the
 * server's default; a leading "-" would reach git as an option, and no
 * branch, tag or commit starts with one.
 */
export function revisionProblem(text: string): string | undefined {
  return text.trim().startsWith('-') ? 'A revision does not start with "-": a branch, a tag, a commit or HEAD~1.' : undefined;
}

/** claude-ls.compare's argument: undefined when dismissed; empty leaves the server's default, HEAD. */
export function compareArgs(uri: string, rev: string | undefined): CompareArgs | undefined {
  if (rev === undefined || revisionProblem(rev)) {
    return undefined;
  }
  const r = rev.trim();
  return r ? { uri, rev: r } : { uri };
}

