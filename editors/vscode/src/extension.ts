// The VS Code extension for .prompt files: starts `claude-ls serve` with
// vscode-languageclient, binds the palette commands, the run button and the
// keys to the server's commands, shows the active prompt's model, tokens
// and cost in the status bar, asks the grade and note of a reply whose
// grade lens is clicked (grade.ts) and what the Workbench helpers are to do
// (helpers.ts), and keeps reply documents showing their file (freshen.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ErrorHandler,
  ExecuteCommandRequest,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  State,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';

import { resolveBinary } from './binary';
import { Freshener, Shown } from './freshen';
import { askGrade, gradeChoices, gradedMessage, GradeQuestions, needsGrade, replyDocuments } from './grade';
import { compareArgs, GenerateBounds, generateTestsArgs, improveArgs, testCountProblem } from './helpers';
import { breakdownItems, breakdownTitle, statusText, statusTooltip, Summary, UsageReport, usageHtml } from './format';
import { CrashBudget, gaveUpMessage } from './restart';
import { configChangeKind, didChangeConfigurationParams, serverSettings } from './settings';

const LANGUAGE = 'prompt';
const SECRET_API_KEY = 'claude-ls.anthropicApiKey';

/** The server's commands (lsp/command.go). */
const Server = {
  run: 'claude-ls.run',
  runAppend: 'claude-ls.runAppend',
  countExact: 'claude-ls.countExact',
  export: 'claude-ls.export',
  summary: 'claude-ls.summary',
  usage: 'claude-ls.usage',
  usageReport: 'claude-ls.usageReport',
  grade: 'claude-ls.grade',
  runTests: 'claude-ls.runTests',
  runBatch: 'claude-ls.runBatch',
  improve: 'claude-ls.improve',
  generateTests: 'claude-ls.generateTests',
  compare: 'claude-ls.compare',
} as const;

/**
 * The server's commands that answer at once and go on under $/progress:
 * the extension gives them a token of its own, wherever they are started
 * from (palette, lens, code action), to show a Cancel button and to know
 * when they end.
 */
const inBackground: readonly string[] = [Server.run, Server.runAppend, Server.runTests, Server.runBatch, Server.improve, Server.generateTests, Server.compare];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: StatusBar;
let extensionContext: vscode.ExtensionContext;
const crashes = new CrashBudget();
let runSeq = 0;
let freshener: Freshener<vscode.TextDocument>;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel('claude-ls', { log: true });
  status = new StatusBar();
  context.subscriptions.push(output, status);

  const register = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register('claudeLs.run', (arg) => runPrompt(Server.run, arg));
  register('claudeLs.runAppend', (arg) => runPrompt(Server.runAppend, arg));
  register('claudeLs.countExact', (arg) => countExact(arg));
  register('claudeLs.improve', (arg) => improve(arg));
  register('claudeLs.generateTests', (arg) => generateTests(arg));
  register('claudeLs.compare', (arg) => compare(arg));
  register('claudeLs.exportAs', (arg, lang?: unknown) => exportAs(arg, typeof lang === 'string' ? lang : undefined));
  register('claudeLs.showBreakdown', () => status.showBreakdown());
  register('claudeLs.showUsage', (arg) => showUsage(arg));
  register('claudeLs.usageReport', (arg) => showUsage(arg, true));
  register('claudeLs.restartServer', () => restart(true));
  register('claudeLs.setApiKey', () => setApiKey());
  register('claudeLs.showOutput', () => output.show(true));

  freshener = new Freshener<vscode.TextDocument>({
    key: (d) => d.uri.toString(),
    text: (d) => d.getText(),
    isDirty: (d) => d.isDirty,
    read: async (d) => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(d.uri));
      } catch {
        return undefined;
      }
    },
    reload: (d, column) => reloadEditor(d, column),
  });
  context.subscriptions.push(vscode.window.onDidChangeVisibleTextEditors(() => void freshenReplyDocuments()));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      switch (configChangeKind((s) => e.affectsConfiguration(s))) {
        case 'restart':
          void restart(true);
          break;
        case 'settings':
          void sendSettings();
          break;
      }
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === SECRET_API_KEY) {
        void restart(true); // the key lives in the server's environment
      }
    }),
  );

  await startClient();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    await c.stop();
  }
}

// ---- the language client -------------------------------------------------

function readSettings() {
  const cfg = vscode.workspace.getConfiguration('claude-ls');
  const { settings, problems } = serverSettings((k) => cfg.get(k));
  for (const p of problems) {
    output.warn(`settings: ${p}`);
  }
  if (problems.length > 0) {
    void vscode.window.showWarningMessage(`claude-ls: ${problems.join('; ')}`);
  }
  return settings;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The server a platform .vsix carries in bin/ may come out of the zip
 * without its executable bit (it depends on the tool that unpacked it):
 * give it back, so resolveBinary can take it.
 */
function restoreBundledMode(): void {
  if (process.platform === 'win32') {
    return;
  }
  const bundled = path.join(extensionContext.extensionPath, 'bin', 'claude-ls');
  try {
    if (fs.statSync(bundled).isFile() && !isExecutable(bundled)) {
      fs.chmodSync(bundled, 0o755);
    }
  } catch {
    // No bin/: the universal .vsix.
  }
}

async function startClient(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('claude-ls');
  restoreBundledMode();
  const found = resolveBinary({
    configured: cfg.get<string>('path') ?? '',
    pathEnv: process.env.PATH,
    pathExt: process.env.PATHEXT,
    platform: process.platform,
    extensionPath: extensionContext.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    homeDir: os.homedir(),
    isExecutable,
  });
  if ('error' in found) {
    output.error(found.error);
    output.info(`looked for: ${found.tried.join(', ') || '(nothing)'}`);
    status.setProblem('claude-ls not found', found.error);
    // Not awaited: activation must not wait for the user to answer.
    void vscode.window.showErrorMessage(found.error, 'Open Settings', 'Show Output').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'claude-ls.path');
      } else if (choice === 'Show Output') {
        output.show(true);
      }
    });
    return;
  }
  output.info(`starting ${found.command} serve (found in ${found.source === 'setting' ? 'claude-ls.path' : found.source === 'PATH' ? 'PATH' : "the extension's bin/"})`);

  // The key goes to the server's environment only: never into settings, the
  // output channel or the initialization options.
  const env: NodeJS.ProcessEnv = { ...process.env };
  const key = await extensionContext.secrets.get(SECRET_API_KEY);
  if (key) {
    env.ANTHROPIC_API_KEY = key;
  }
  const executable: Executable = { command: found.command, args: ['serve'], options: { env } };

  const errorHandler: ErrorHandler = {
    error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => {
      if (crashes.recordCrash()) {
        output.warn(`the server stopped; restarting it (${crashes.recent} of ${crashes.maxRestarts})`);
        return { action: CloseAction.Restart, handled: true };
      }
      status.setProblem('claude-ls stopped', gaveUpMessage(crashes));
      return { action: CloseAction.DoNotRestart, message: gaveUpMessage(crashes) };
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE },
      { scheme: 'untitled', language: LANGUAGE },
      // Result documents and reports, for their grade lenses only.
      replyDocuments,
    ],
    middleware: {
      executeCommand: (command, args, next) => {
        if (command === Server.grade && needsGrade(args)) {
          return grade(args, next);
        }
        // A lens's or a code action's: run under the extension's progress.
        if (inBackground.includes(command) && args.length === 1 && client) {
          return startInBackground(client, command, args[0]);
        }
        return next(command, args);
      },
    },
    initializationOptions: readSettings(),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler,
  };

  const c = new LanguageClient('claude-ls', 'claude-ls', { run: executable, debug: executable }, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      status.clearProblem();
      status.schedule(0);
    }
  });
  try {
    await c.start();
  } catch (err) {
    output.error(`start: ${errorText(err)}`);
    status.setProblem('claude-ls failed to start', errorText(err));
    void vscode.window.showErrorMessage(`claude-ls failed to start: ${errorText(err)}`, 'Show Output').then((choice) => {
      if (choice) {
        output.show(true);
      }
    });
  }
}

async function restart(byUser: boolean): Promise<void> {
  if (byUser) {
    crashes.reset();
  }
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      output.warn(`stop: ${errorText(err)}`);
    }
  }
  await startClient();
}

async function sendSettings(): Promise<void> {
  const c = client;
  if (c?.isRunning()) {
    await c.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(readSettings()));
    status.schedule(0);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The running client, or undefined after telling the user why not. */
function runningClient(): LanguageClient | undefined {
  if (client?.isRunning()) {
    return client;
  }
  void vscode.window.showErrorMessage('The claude-ls server is not running.', 'Restart Server', 'Show Output').then((choice) => {
    if (choice === 'Restart Server') {
      void restart(true);
    } else if (choice === 'Show Output') {
      output.show(true);
    }
  });
  return undefined;
}

async function serverCommand<T>(c: LanguageClient, command: string, args: unknown, workDoneToken?: string): Promise<T> {
  return (await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args], workDoneToken })) as T;
}

// ---- commands --------------------------------------------------------------

/**
 * The prompt a command works on: the resource the editor title passes, else
 * the active editor's document.
 */
function targetDocument(arg: unknown): vscode.TextDocument | undefined {
  if (arg instanceof vscode.Uri) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg.toString());
    if (doc?.languageId === LANGUAGE) {
      return doc;
    }
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === LANGUAGE) {
    return doc;
  }
  void vscode.window.showInformationMessage('Open a .prompt file first.');
  return undefined;
}

async function runPrompt(command: typeof Server.run | typeof Server.runAppend, arg: unknown): Promise<void> {
  const doc = targetDocument(arg);
  const c = doc && runningClient();
  if (doc && c) {
    await startInBackground(c, command, { uri: doc.uri.toString() });
  }
}

/**
 * Sends one of the inBackground commands with a progress token of ours and
 * returns the server's answer ({started, token}), undefined after showing
 * an error. The progress is a notification with a Cancel button rather
 * than the client's window progress, which cannot be cancelled; the server
 * begins it only when the work really starts (not for a prompt with errors,
 * a missing key or a refused budget, which it reports as messages). When
 * it ends, its last message goes to the status bar and the reply documents
 * in view are made to show their files (the run's result document, a
 * report).
 */
async function startInBackground(c: LanguageClient, command: string, arg: unknown): Promise<unknown> {
  const token = `claudeLs-run-${++runSeq}`;
  const target = typeof arg === 'string' ? arg : (arg as { uri?: unknown } | null)?.uri;
  const name = typeof target === 'string' ? path.basename(vscode.Uri.parse(target).path) : 'the prompt';
  let ui: { report(message: string): void; done(): void } | undefined;
  let pending: string | undefined;
  let ended = false;
  const listener = c.onProgress(WorkDoneProgress.type, token, (value) => {
    switch (value.kind) {
      case 'begin':
        pending = value.message;
        void vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: value.title || `Claude: ${name}`, cancellable: true },
          (progress, cancel) =>
            new Promise<void>((resolve) => {
              const stopped = c.onDidChangeState((e) => e.newState !== State.Running && done());
              const done = () => {
                stopped.dispose();
                resolve();
              };
              cancel.onCancellationRequested(() => void c.sendNotification(WorkDoneProgressCancelNotification.type, { token }));
              ui = { report: (message) => progress.report({ message }), done };
              if (pending) {
                ui.report(pending);
              }
              if (ended) {
                done();
              }
            }),
        );
        break;
      case 'report':
        pending = value.message ?? pending;
        if (value.message) {
          ui?.report(value.message);
        }
        break;
      case 'end':
        ended = true;
        listener.dispose();
        ui?.done();
        if (value.message) {
          vscode.window.setStatusBarMessage(`$(check) ${name}: ${value.message}`, 15000);
        }
        void freshenReplyDocuments();
        break;
    }
  });
  try {
    return await serverCommand<unknown>(c, command, arg, token);
  } catch (err) {
    listener.dispose();
    void vscode.window.showErrorMessage(`claude-ls: ${errorText(err)}`);
    return undefined;
  }
}

// ---- the Workbench helpers (helpers.ts) ------------------------------------

/** Claude: Improve Prompt…: an optional goal, then claude-ls.improve; its rewrite opens in the refactor preview. */
async function improve(arg: unknown): Promise<void> {
  const doc = targetDocument(arg);
  if (!doc) {
    return;
  }
  const goal = await vscode.window.showInputBox({
    title: `Improve ${path.basename(doc.uri.path)}`,
    prompt: 'What should be better? Optional: Enter with nothing asks for a general improvement; Escape cancels. The rewrite opens in the refactor preview, where each change can be applied or not.',
    placeHolder: 'e.g. shorter answers, for a ten-year-old',
  });
  const args = improveArgs(doc.uri.toString(), goal);
  const c = args && runningClient();
  if (args && c) {
    await startInBackground(c, Server.improve, args);
  }
}

/** Claude: Generate Test Cases…: how many, then claude-ls.generateTests; they are appended to tests:. */
async function generateTests(arg: unknown): Promise<void> {
  const doc = targetDocument(arg);
  const c = doc && runningClient();
  if (!doc || !c) {
    return;
  }
  const bounds = generateBounds(c);
  const count = await vscode.window.showInputBox({
    title: `Generate test cases for ${path.basename(doc.uri.path)}`,
    prompt: `How many new test cases (1 to ${bounds.max}), appended to tests:. Escape cancels.`,
    value: String(bounds.default),
    validateInput: (text) => testCountProblem(text, bounds),
  });
  const args = generateTestsArgs(doc.uri.toString(), count, bounds);
  if (args) {
    await startInBackground(c, Server.generateTests, args);
  }
}

/** Claude: Compare with Git Revision…: a revision, then claude-ls.compare; the report opens. */
async function compare(arg: unknown): Promise<void> {
  const doc = targetDocument(arg);
  if (!doc) {
    return;
  }
  const rev = await vscode.window.showInputBox({
    title: `Compare ${path.basename(doc.uri.path)} with a git revision`,
    prompt: "The test cases run on this file and on the revision's version of it, into one report. Escape cancels.",
    value: 'HEAD',
    placeHolder: 'HEAD, HEAD~1, a branch, a tag or a commit',
  });
  const args = compareArgs(doc.uri.toString(), rev);
  const c = args && runningClient();
  if (args && c) {
    await startInBackground(c, Server.compare, args);
  }
}

// ---- reply documents showing their files (freshen.ts) ----------------------

/** The result documents and reports in view, with their columns. */
function shownReplyDocuments(): Shown<vscode.TextDocument>[] {
  const shown: Shown<vscode.TextDocument>[] = [];
  for (const e of vscode.window.visibleTextEditors) {
    if (e.viewColumn !== undefined && vscode.languages.match(replyDocuments, e.document) > 0) {
      shown.push({ doc: e.document, column: e.viewColumn });
    }
  }
  return shown;
}

async function freshenReplyDocuments(): Promise<void> {
  try {
    for (const d of await freshener.freshen(shownReplyDocuments())) {
      output.debug(`${d.uri.fsPath} was shown as it is on disk again`);
    }
  } catch (err) {
    output.warn(`reloading a reply document: ${errorText(err)}`);
  }
}

/**
 * Makes the editor in column read its file again, without taking the focus:
 * the document reopened where it is with forceReload, which re-resolves it
 * from disk (and VS Code leaves a document with unsaved changes as it is).
 * The public vscode.open drops forceReload, so this is the command behind it.
 */
async function reloadEditor(doc: vscode.TextDocument, column: vscode.ViewColumn): Promise<void> {
  let sub: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  // The editor reads the file after the command returns: wait for it (a while).
  const read = new Promise<void>((resolve) => {
    sub = vscode.workspace.onDidChangeTextDocument((e) => e.document === doc && resolve());
    timer = setTimeout(resolve, 3000);
  });
  try {
    await vscode.commands.executeCommand('_workbench.open', doc.uri, [column - 1, { preserveFocus: true, forceReload: true }]);
    await read;
  } finally {
    sub?.dispose();
    clearTimeout(timer);
  }
}

async function countExact(arg: unknown): Promise<void> {
  const doc = targetDocument(arg);
  const c = doc && runningClient();
  if (!doc || !c) {
    return;
  }
  try {
    await serverCommand(c, Server.countExact, { uri: doc.uri.toString() });
    // The server answers at once and counts in the background; the status
    // bar shows the exact count once it is there for this version.
    status.watchForExact(doc);
  } catch (err) {
    void vscode.window.showErrorMessage(`claude-ls: ${errorText(err)}`);
  }
}

/** An export language, as the server lists it (workbench's one table). */
interface ExportLanguage {
  id: string;
  title: string;
  ext: string;
  languageId: string;
}

/** The export languages the server announced in its initialize result. */
/** The bounds of a test-case generation, from the server's initialize answer. */
function generateBounds(c: LanguageClient): GenerateBounds {
  const experimental = c.initializeResult?.capabilities.experimental as { generateTests?: GenerateBounds } | undefined;
  return experimental?.generateTests ?? { default: 1, max: 1 }; // a server too old to say: one at a time
}

function exportLanguages(c: LanguageClient): ExportLanguage[] {
  const experimental = c.initializeResult?.capabilities.experimental as { exportLanguages?: ExportLanguage[] } | undefined;
  return experimental?.exportLanguages ?? [];
}

/** Exports the request in lang, asking for it from the server's list when not given. */
async function exportAs(arg: unknown, lang?: string): Promise<void> {
  const doc = targetDocument(arg);
  const c = doc && runningClient();
  if (!doc || !c) {
    return;
  }
  const langs = exportLanguages(c);
  let chosen = langs.find((l) => l.id === lang);
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      langs.map((l) => ({ label: l.title, description: l.id, lang: l })),
      { placeHolder: 'Export the request as' },
    );
    if (!pick) {
      return;
    }
    chosen = pick.lang;
  }
  try {
    const res = await serverCommand<{ file?: string; lang?: string; code?: string }>(c, Server.export, { uri: doc.uri.toString(), lang: chosen.id });
    if (res?.file) {
      // The server opens the file too (window/showDocument); opening it here
      // as well only focuses the same editor.
      await vscode.window.showTextDocument(vscode.Uri.file(res.file), { preview: false });
    } else if (res?.code) {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: chosen.languageId, content: res.code }));
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`claude-ls: ${errorText(err)}`);
  }
}

async function showUsage(arg: unknown, picture = false): Promise<void> {
  // The server reads the usage of the workspace a prompt belongs to, so
  // some prompt must be open: the target, else any open one.
  let doc = arg instanceof vscode.Uri || vscode.window.activeTextEditor?.document.languageId === LANGUAGE ? targetDocument(arg) : undefined;
  doc ??= vscode.workspace.textDocuments.find((d) => d.languageId === LANGUAGE);
  if (!doc) {
    void vscode.window.showInformationMessage('Open a .prompt file of the workspace first: the usage is recorded per workspace.');
    return;
  }
  const c = runningClient();
  if (!c) {
    return;
  }
  try {
    if (picture) {
      // The server writes .claude-ls/usage.html and opens it (showDocument, external).
      await serverCommand<unknown>(c, Server.usageReport, { uri: doc.uri.toString() });
      return;
    }
    const report = await serverCommand<UsageReport>(c, Server.usage, { uri: doc.uri.toString() });
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.name ?? path.basename(path.dirname(doc.uri.fsPath));
    const panel = vscode.window.createWebviewPanel('claudeLs.usage', `Claude Usage · ${folder}`, vscode.ViewColumn.Active, { enableScripts: false });
    panel.webview.html = usageHtml(report, folder, panel.webview.cspSource);
  } catch (err) {
    void vscode.window.showErrorMessage(`claude-ls: ${errorText(err)}`);
  }
}

async function setApiKey(): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'Anthropic API key for claude-ls',
    prompt: "Kept in VS Code's secret storage and given to the claude-ls server as ANTHROPIC_API_KEY. Leave empty to remove the stored key.",
    placeHolder: 'sk-ant-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
  });
  if (value === undefined) {
    return;
  }
  const key = value.trim();
  // Storing fires secrets.onDidChange, which restarts the server with the key.
  if (key === '') {
    await extensionContext.secrets.delete(SECRET_API_KEY);
    void vscode.window.showInformationMessage('The stored API key was removed; the server now uses ANTHROPIC_API_KEY from its environment or the workspace .env, if any.');
  } else {
    await extensionContext.secrets.store(SECRET_API_KEY, key);
    void vscode.window.showInformationMessage('API key stored in the secret storage; the server was restarted with it.');
  }
}

/**
 * claude-ls.grade from a grade lens: asks the grade and a note, then sends
 * them; nothing is sent when the grade is dismissed.
 */
async function grade(args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
  const graded = await askGrade(args, gradeQuestions);
  if (!graded) {
    return undefined;
  }
  const answer = await next(Server.grade, graded);
  const said = gradedMessage(answer);
  if (said) {
    vscode.window.setStatusBarMessage(`$(check) ${said}`, 10000);
  }
  return answer;
}

const gradeQuestions: GradeQuestions = {
  grade: async (title) =>
    (await vscode.window.showQuickPick(gradeChoices, { title, placeHolder: 'Grade 1–5 (5 is best)', matchOnDescription: true }))?.grade,
  note: (title) =>
    vscode.window.showInputBox({ title, prompt: 'An optional note on the reply; Enter or Escape for none.', placeHolder: 'e.g. right, but too long' }),
};

// ---- the status bar --------------------------------------------------------

class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('claudeLs.summary', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last: { uri: string; summary: Summary } | undefined;
  private problem: { text: string; tooltip: string } | undefined;
  private generation = 0;

  constructor() {
    this.item.name = 'Claude prompt tokens and cost';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.document.languageId === LANGUAGE) {
          this.schedule(300);
        }
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d === vscode.window.activeTextEditor?.document) {
          this.schedule(0); // a language mode switched to prompt
        }
      }),
    );
    this.schedule(0);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }

  setProblem(text: string, tooltip: string): void {
    this.problem = { text, tooltip };
    this.render();
  }

  clearProblem(): void {
    this.problem = undefined;
    this.render();
  }

  /** Asks for a new summary after delay ms, replacing one already planned. */
  schedule(delay: number, attempt = 0): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(attempt), delay);
  }

  private activePrompt(): vscode.TextDocument | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === LANGUAGE ? doc : undefined;
  }

  private async refresh(attempt: number): Promise<void> {
    const doc = this.activePrompt();
    const gen = ++this.generation;
    if (!doc || !client?.isRunning()) {
      this.render();
      return;
    }
    const version = doc.version;
    try {
      const s = await serverCommand<Summary>(client, Server.summary, { uri: doc.uri.toString() });
      if (gen !== this.generation) {
        return; // a newer refresh is on its way
      }
      this.last = { uri: doc.uri.toString(), summary: s };
      this.render();
      if ((s.version < version || doc.version !== version) && attempt < 5) {
        this.schedule(200, attempt + 1); // the server had not seen the last change yet
      }
    } catch (err) {
      // "is not open" while the client opens the document: try again shortly.
      if (gen === this.generation && attempt < 5) {
        this.schedule(300 * (attempt + 1), attempt + 1);
      } else {
        output.debug(`status bar: ${errorText(err)}`);
      }
    }
  }

  private render(): void {
    const doc = this.activePrompt();
    if (!doc) {
      this.item.hide();
      return;
    }
    if (this.problem) {
      this.item.text = `$(warning) ${this.problem.text}`;
      this.item.tooltip = this.problem.tooltip;
      this.item.command = 'claudeLs.showOutput';
      this.item.show();
      return;
    }
    if (this.last?.uri !== doc.uri.toString()) {
      this.item.text = '$(sparkle) …';
      this.item.tooltip = 'Counting tokens…';
      this.item.command = undefined;
      this.item.show();
      return;
    }
    const s = this.last.summary;
    this.item.text = statusText(s);
    const tip = new vscode.MarkdownString(statusTooltip(s), true);
    this.item.tooltip = tip;
    this.item.command = 'claudeLs.showBreakdown';
    this.item.show();
  }

  /** After "Count Tokens Exactly": refresh until the exact count shows, for a while. */
  watchForExact(doc: vscode.TextDocument): void {
    const delays = [700, 1500, 3000, 5000, 8000, 12000];
    const uri = doc.uri.toString();
    const step = (i: number) => {
      if (i >= delays.length) {
        return;
      }
      setTimeout(async () => {
        if (this.activePrompt()?.uri.toString() !== uri) {
          return;
        }
        await this.refresh(5);
        if (this.last?.uri === uri && this.last.summary.exactTokens === undefined) {
          step(i + 1);
        }
      }, delays[i]);
    };
    step(0);
  }

  async showBreakdown(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE) {
      void vscode.window.showInformationMessage('Open a .prompt file first.');
      return;
    }
    const c = runningClient();
    if (!c) {
      return;
    }
    let s: Summary;
    try {
      s = await serverCommand<Summary>(c, Server.summary, { uri: editor.document.uri.toString() });
    } catch (err) {
      void vscode.window.showErrorMessage(`claude-ls: ${errorText(err)}`);
      return;
    }
    const items = breakdownItems(s);
    if (items.length === 0) {
      void vscode.window.showInformationMessage('This prompt has no blocks yet.');
      return;
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: breakdownTitle(s),
      placeHolder: 'Go to a block',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (pick) {
      const pos = new vscode.Position(pick.line, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    }
  }
}
