// Reply documents (a run's result document, test and compare reports) that
// show their file as it is on disk. The server writes them while VS Code
// shows them: a run's reply streams into its result document, and the mark
// the grade lens stands on is its last line. VS Code reloads an open file
// when its file watcher reports a change, and that can miss the last
// writes (the file written while its editor opens, a folder excluded from
// watching); the editor then keeps what it read first, without the grade
// lens, until a reload. So when a run or helper ends, and when such a
// document comes into view, its file is read, and an editor that shows
// something else and holds no unsaved change is made to read it again.
// No vscode import here: extension.ts gives the host, the tests a fake.

/** A reply document in view, and the editor column it is shown in. */
export interface Shown<D> {
  doc: D;
  column: number;
}

/** What the freshener needs of the editor. */
export interface FreshenHost<D> {
  key(doc: D): string;
  text(doc: D): string;
  isDirty(doc: D): boolean;
  /** The file's text on disk; undefined when it cannot be read (deleted). */
  read(doc: D): PromiseLike<string | undefined>;
  /** Makes the editor in column read the file again; resolves once it has, or has given up. */
  reload(doc: D, column: number): PromiseLike<void>;
}

/** Whether the editor's text is the file's: line ends aside, which the editor may have its own of. */
export function showsFile(editorText: string, fileText: string): boolean {
  return editorText.replace(/\r\n/g, '\n') === fileText.replace(/\r\n/g, '\n');
}

export class Freshener<D> {
  private readonly busy = new Set<string>();
  /** The file's text each document was last reloaded for: one try per version of the file, so a reload that does not take cannot loop. */
  private readonly tried = new Map<string, string>();

  constructor(private readonly host: FreshenHost<D>) {}

  /** Reloads each shown document whose file says something else; returns those reloaded. */
  async freshen(shown: readonly Shown<D>[]): Promise<D[]> {
    const reloaded: D[] = [];
    await Promise.all(
      shown.map(async ({ doc, column }) => {
        const key = this.host.key(doc);
        if (this.busy.has(key) || this.host.isDirty(doc)) {
          return; // one at a time; never over the user's unsaved change
        }
        this.busy.add(key);
        try {
          const file = await this.host.read(doc);
          if (file === undefined || showsFile(this.host.text(doc), file) || this.host.isDirty(doc) || this.tried.get(key) === file) {
            return;
          }
          this.tried.set(key, file);
          await this.host.reload(doc, column);
          reloaded.push(doc);
        } finally {
          this.busy.delete(key);
        }
      }),
    );
    return reloaded;
  }
}
