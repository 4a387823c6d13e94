// Grading a reply (the server's claude-ls.grade, run by the code lens on a
// reply): 1–5 and an optional note, kept in .claude-ls/grades.jsonl. Given
// no grade the server can only ask with five buttons and no note, so the
// extension asks first, a pick of the grade then a box for the note, and
// sends both. No vscode import here: the unit tests run without VS Code.

/**
 * The documents the server writes replies into, result documents and
 * test or compare reports (workbench.ReplyDocumentRoot): the client sends
 * them to the server, which puts a grade lens on each reply they mark.
 */
export const replyDocumentsPattern = '**/.claude-ls/{runs,reports}/*.md';

/** Those documents as a document filter: files on disk only. */
export const replyDocuments = { scheme: 'file', pattern: replyDocumentsPattern } as const;

/** The grades offered, best first. */
export const gradeChoices: readonly { grade: number; label: string; description: string }[] = [
  { grade: 5, label: '5', description: 'excellent' },
  { grade: 4, label: '4', description: 'good' },
  { grade: 3, label: '3', description: 'acceptable' },
  { grade: 2, label: '2', description: 'weak' },
  { grade: 1, label: '1', description: 'poor' },
];

/** A grade lens's argument: {uri, test, model} on a prompt, plus {prompt, run} on a reply document. */
export interface GradeArgs {
  uri?: string;
  prompt?: string;
  test?: string;
  model?: string;
  run?: string;
  grade?: unknown;
  note?: unknown;
}

const isGrade = (g: unknown): g is number => typeof g === 'number' && Number.isInteger(g) && g >= 1 && g <= 5;

/**
 * Whether claude-ls.grade's arguments lack the grade the user is to give:
 * an argument object without one. Anything else goes to the server as it is.
 */
export function needsGrade(args: readonly unknown[]): boolean {
  const a = args[0];
  return typeof a === 'object' && a !== null && !Array.isArray(a) && !isGrade((a as GradeArgs).grade);
}

/** The same arguments with the grade and the note (trimmed; "" for none). */
export function withGrade(args: readonly unknown[], grade: number, note: string | undefined): unknown[] {
  const [first, ...rest] = args;
  return [{ ...(first as object), grade, note: (note ?? '').trim() }, ...rest];
}

/** What the pick says it grades: the model's reply, the case, the prompt. */
export function gradeTitle(args: readonly unknown[]): string {
  const a = (args[0] ?? {}) as GradeArgs;
  let t = typeof a.model === 'string' && a.model ? `Grade the reply of ${a.model}` : 'Grade the reply';
  if (typeof a.test === 'string' && a.test) {
    t += ` to case "${a.test}"`;
  }
  if (typeof a.prompt === 'string' && a.prompt) {
    t += ` (${a.prompt})`;
  }
  return t;
}

/** How the extension asks; VS Code's QuickPick and InputBox, or a test's answers. */
export interface GradeQuestions {
  /** The grade picked, undefined when dismissed. */
  grade(title: string): PromiseLike<number | undefined>;
  /** The note typed, undefined when dismissed. */
  note(title: string): PromiseLike<string | undefined>;
}

/**
 * Asks for the grade, then the note: the arguments to send, or undefined
 * when the grade was dismissed (nothing is sent). A dismissed note is no note.
 */
export async function askGrade(args: readonly unknown[], ask: GradeQuestions): Promise<unknown[] | undefined> {
  const title = gradeTitle(args);
  const grade = await ask.grade(title);
  if (!isGrade(grade)) {
    return undefined;
  }
  const note = await ask.note(`${title}: ${grade}/5`);
  return withGrade(args, grade, note);
}

/** The status bar's word on the server's answer; undefined when nothing was graded. */
export function gradedMessage(answer: unknown): string | undefined {
  const a = (answer ?? {}) as { graded?: unknown; grade?: unknown; note?: unknown; model?: unknown };
  if (a.graded !== true || !isGrade(a.grade)) {
    return undefined;
  }
  let m = `Graded ${a.grade}/5`;
  if (typeof a.model === 'string' && a.model) {
    m += ` · ${a.model}`;
  }
  if (typeof a.note === 'string' && a.note) {
    m += ' · note saved';
  }
  return m;
}
