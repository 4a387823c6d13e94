// Checks of the extension's manifest and assets against the source and the
// server, since no VS Code can load the extension here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { serverKeys } from '../../src/settings';

const root = path.resolve(__dirname, '..', '..'); // out/test → editors/vscode
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const extensionSource = read('src/extension.ts');

test('every contributed command is registered, and every registered one contributed', () => {
  const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  const registered = [...extensionSource.matchAll(/register\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, contributed);
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'Claude', c.command);
    assert.ok(!c.command.startsWith('claude-ls.'), `${c.command}: claude-ls.* are the server's commands, which the client registers itself`);
  }
});

test('menus and keybindings name contributed commands, and the palette limits per-file commands to prompts', () => {
  const ids = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const submenus = new Set((pkg.contributes.submenus ?? []).map((s: { id: string }) => s.id));
  for (const [menu, items] of Object.entries<{ command?: string; submenu?: string }[]>(pkg.contributes.menus)) {
    for (const item of items) {
      assert.ok(item.command ? ids.has(item.command) : submenus.has(item.submenu!), `${menu}: ${item.command ?? item.submenu}`);
    }
  }
  for (const k of pkg.contributes.keybindings) {
    assert.ok(ids.has(k.command), k.command);
    assert.match(k.when, /editorLangId == prompt/);
  }
  const run = pkg.contributes.menus['editor/title/run'].find((m: { command: string }) => m.command === 'claudeLs.run');
  assert.equal(run.when, 'resourceLangId == prompt');
  const bound = new Set(pkg.contributes.keybindings.map((k: { command: string }) => k.command));
  for (const id of ['claudeLs.run', 'claudeLs.runAppend', 'claudeLs.countExact', 'claudeLs.exportAs']) {
    assert.ok(bound.has(id), `${id} has a key`);
  }
});

test("the server commands the extension calls are the server's (lsp/command.go)", () => {
  const goSource = readFileSync(path.join(root, '..', '..', 'lsp', 'command.go'), 'utf8');
  const serverCommands = new Set([...goSource.matchAll(/Command\w+\s*=\s*"([^"]+)"/g)].map((m) => m[1]));
  const used = [...extensionSource.matchAll(/'(claude-ls\.[a-zA-Z]+)'/g)].map((m) => m[1]).filter((c) => c !== 'claude-ls.path' && c !== 'claude-ls.anthropicApiKey');
  assert.ok(used.length >= 6);
  for (const c of used) {
    assert.ok(serverCommands.has(c), `${c} is not one of the server's commands: ${[...serverCommands].join(', ')}`);
  }
});

test('settings: the binary, the trace, and every server setting', () => {
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['claude-ls.path'].type, 'string');
  assert.equal(props['claude-ls.path'].scope, 'machine-overridable');
  assert.deepEqual(props['claude-ls.trace.server'].enum, ['off', 'messages', 'verbose']);
  for (const k of serverKeys) {
    assert.ok(props[`claude-ls.${k}`], `claude-ls.${k}`);
  }
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['claude-ls.path']);
  // The Go settings struct has a JSON field for each key sent.
  const goSettings = readFileSync(path.join(root, '..', '..', 'lsp', 'settings.go'), 'utf8');
  for (const k of serverKeys) {
    assert.match(goSettings, new RegExp(`json:"${k}"`), k);
  }
});

test('language, grammar, configuration and snippets fit together', () => {
  const [lang] = pkg.contributes.languages;
  assert.equal(lang.id, 'prompt');
  assert.deepEqual(lang.extensions, ['.prompt']);
  const [grammar] = pkg.contributes.grammars;
  const g = JSON.parse(read(grammar.path));
  assert.equal(g.scopeName, grammar.scopeName);
  const grammarText = read(grammar.path);
  for (const scope of Object.keys(grammar.embeddedLanguages)) {
    assert.ok(grammarText.includes(scope), `${scope} appears in the grammar`);
  }
  assert.match(grammarText, /"include": "source\.yaml"/);
  const conf = JSON.parse(read(lang.configuration));
  assert.deepEqual(conf.comments.blockComment, ['{{!', '}}']);
  assert.ok(conf.autoClosingPairs.some((p: { open: string; close: string }) => p.open === '{{' && p.close === '}}'));
  const snippets = JSON.parse(read(pkg.contributes.snippets[0].path));
  assert.ok(Object.keys(snippets).length >= 8);
  for (const [name, s] of Object.entries<{ prefix: unknown; body: unknown }>(snippets)) {
    assert.ok(s.prefix && s.body, name);
  }
});

test('the icon is a 128×128 PNG', () => {
  const png = readFileSync(path.join(root, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.readUInt32BE(16), 128);
  assert.equal(png.readUInt32BE(20), 128);
});

test('the VS Code API used is the one engines promises', () => {
  const types = JSON.parse(read('node_modules/@types/vscode/package.json')).version as string;
  const engine = (pkg.engines.vscode as string).replace(/^\^/, '');
  const num = (v: string) => v.split('.').map(Number);
  const [a, b] = [num(types), num(engine)];
  assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]), `@types/vscode ${types} is newer than engines.vscode ${engine}`);
  assert.equal(pkg.main, './dist/extension.js');
  assert.deepEqual(Object.keys(pkg.dependencies), ['vscode-languageclient']);
});
