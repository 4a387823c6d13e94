// The pure logic against the real server: `claude-ls serve` started as the
// extension starts it (built from this repository with go, or $CLAUDE_LS_BIN),
// spoken to with the protocol library vscode-languageclient itself uses.
// Checks that the summary and usage the server answers format as the status
// bar and the usage view expect, and that settings reach the server.
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

import { breakdownItems, statusText, statusTooltip, Summary, UsageReport, usageTables } from '../../src/format';
import { didChangeConfigurationParams, serverSettings } from '../../src/settings';

const vscodeDir = path.resolve(__dirname, '..', '..'); // out/test → editors/vscode
const repo = path.resolve(vscodeDir, '..', '..');

function binary(): string | undefined {
  if (process.env.CLAUDE_LS_BIN) {
    return process.env.CLAUDE_LS_BIN;
  }
  const out = path.join(vscodeDir, 'out', 'claude-ls');
  try {
    execFileSync('go', ['build', '-o', out, './cmd/claude-ls'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    return out;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined; // no Go here: skipped, and said so
    }
    throw err;
  }
}

let proc: ChildProcess | undefined;
let conn: MessageConnection | undefined;
const bin = binary();
const skip = bin ? false : 'needs go on PATH or CLAUDE_LS_BIN';

before(async () => {
  // (the binary was built when this file loaded)
  if (!bin) {
    return;
  }
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  proc = spawn(bin, process.env.CLS_DEBUG ? ['serve', '--trace'] : ['serve'], { cwd: repo, env, stdio: ['pipe', 'pipe', process.env.CLS_DEBUG ? 'inherit' : 'ignore'] });
  conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onRequest(() => null); // workDoneProgress/create, refreshes, …
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(repo).toString(),
    workspaceFolders: [{ uri: pathToFileURL(repo).toString(), name: 'claude-ls' }],
    capabilities: { window: { workDoneProgress: true, showDocument: { support: true } } },
    initializationOptions: serverSettings((k) => ({ logLevel: 'warn', defaultModel: '' })[k]).settings,
  });
  await conn.sendNotification('initialized', {});
});

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

after(async () => {
  // shutdown and exit, as the client stops the server; killed if it lingers.
  if (conn) {
    await Promise.race([conn.sendRequest('shutdown').catch(() => undefined), delay(3000)]);
    await conn.sendNotification('exit').catch(() => undefined);
  }
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    await Promise.race([new Promise((resolve) => proc!.once('exit', resolve)), delay(3000)]);
  }
  conn?.dispose();
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGKILL');
  }
  proc?.stdin?.destroy();
  proc?.stdout?.destroy();
});

const summary = (uri: string) => conn!.sendRequest('workspace/executeCommand', { command: 'claude-ls.summary', arguments: [{ uri }] }) as Promise<Summary>;

test('the summary of an example formats into the status bar and the breakdown', { skip, timeout: 30_000 }, async () => {
  const file = path.join(repo, 'examples', 'contract-review.prompt');
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).toString();
  await conn!.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prompt', version: 1, text } });
  const s = await summary(uri);
  assert.equal(s.version, 1);
  assert.match(statusText(s), /^\$\(sparkle\) claude-sonnet-4-6 · ≈ [\d,]+ tok · \$0\.\d{4}$/);
  assert.match(statusTooltip(s), /Output: up to \$0\.\d{4} \(max_tokens 2,048\)/);
  const roleLines = text.split('\n').flatMap((l, i) => (/^(system|user|assistant):/.test(l) ? [i] : []));
  const items = breakdownItems(s);
  assert.deepEqual(
    items.map((i) => i.line),
    roleLines,
  );
  assert.match(items[0].label, /system {2}cache=1h$/);
  assert.match(items[0].description, /^≈ [\d,]+ tok · \d+% · \$0\.\d+$/);

  // An edit that breaks the prompt: the next summary is of that version.
  const broken = text.replace('user: cache', 'user: cache=2h');
  await conn!.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
  const s2 = await summary(uri);
  assert.equal(s2.version, 2);
  assert.ok(s2.errors > 0);
  assert.match(statusText(s2), / · \$\(error\) \d+$/);
});

test('the default model setting reaches the server', { skip, timeout: 30_000 }, async () => {
  const uri = 'untitled:Untitled-1';
  await conn!.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prompt', version: 1, text: 'user:\nHello\n' } });
  assert.equal((await summary(uri)).model, '');
  assert.match(statusText(await summary(uri)), /^\$\(sparkle\) no model · ≈ \d+ tok · no prices/);
  const { settings } = serverSettings((k) => ({ defaultModel: 'claude-haiku-4-5', logLevel: 'warn' })[k]);
  await conn!.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(settings));
  const s = await summary(uri);
  assert.equal(s.model, 'claude-haiku-4-5');
  assert.match(statusText(s), /^\$\(sparkle\) claude-haiku-4-5 · ≈ \d+ tok · \$0\.\d+( · \$\(error\) \d+)?$/);
});

test('the usage report formats into tables', { skip, timeout: 30_000 }, async () => {
  const uri = pathToFileURL(path.join(repo, 'examples', 'contract-review.prompt')).toString();
  const report = (await conn!.sendRequest('workspace/executeCommand', { command: 'claude-ls.usage', arguments: [{ uri }] })) as UsageReport;
  const t = usageTables(report);
  assert.match(t.month, /^\$/);
  assert.equal(t.models.rows.at(-1)?.[0], 'total');
  assert.ok(existsSync(path.join(repo, 'examples')));
});
