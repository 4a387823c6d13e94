// Checks of what `npm run package` made: the .vsix holds exactly the files
// the extension needs, and the bundle loads (against a stand-in for the
// vscode module, since VS Code itself is not available here).
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const vsix = `${pkg.name}-${pkg.version}.vsix`;

/** The names in a zip file's central directory. */
function zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'no end of central directory: not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.subarray(at + 46, at + 46 + nameLen).toString('utf8'));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names.sort();
}

test(`${vsix} holds the extension and nothing else`, () => {
  const buf = readFileSync(vsix);
  const size = statSync(vsix).size;
  assert.ok(size < 1024 * 1024, `${vsix} is ${size} bytes`);
  assert.deepEqual(zipEntries(buf), [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/changelog.md',
    'extension/dist/extension.js',
    'extension/images/icon.png',
    'extension/language-configuration.json',
    'extension/package.json',
    'extension/readme.md',
    'extension/snippets/prompt.json',
    'extension/syntaxes/prompt.tmLanguage.json',
  ]);
});

test('the bundle loads with only vscode external and exports activate and deactivate', () => {
  // A stand-in vscode module: every property, call and construction gives
  // another stand-in, which is enough for the module's top level to run.
  const stub = () => {
    const target = function () {};
    return new Proxy(target, {
      get: (_t, prop) => (prop === Symbol.toPrimitive ? () => '' : prop === 'then' ? undefined : stub()),
      apply: () => stub(),
      construct: () => stub(),
    });
  };
  const vscode = stub();
  const requested = new Set();
  const original = Module._load;
  Module._load = function (request, ...rest) {
    requested.add(request);
    return request === 'vscode' ? vscode : original.call(this, request, ...rest);
  };
  try {
    const ext = createRequire(import.meta.url)('../dist/extension.js');
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
  } finally {
    Module._load = original;
  }
  const builtins = new Set(Module.builtinModules);
  for (const r of requested) {
    assert.ok(r === 'vscode' || r === '../dist/extension.js' || builtins.has(r.replace(/^node:/, '')), `the bundle requires ${r}`);
  }
});
