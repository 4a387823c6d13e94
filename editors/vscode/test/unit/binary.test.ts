import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BinaryQuery, resolveBinary } from '../../src/binary';

function query(files: string[], over: Partial<BinaryQuery> = {}): BinaryQuery {
  const set = new Set(files);
  return {
    configured: '',
    pathEnv: '/usr/local/bin:/home/me/go/bin',
    platform: 'linux',
    extensionPath: '/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0',
    workspaceFolder: '/work/project',
    homeDir: '/home/me',
    isExecutable: (f) => set.has(f),
    ...over,
  };
}

test('empty setting: the first claude-ls on PATH', () => {
  const r = resolveBinary(query(['/home/me/go/bin/claude-ls']));
  assert.deepEqual(r, { command: '/home/me/go/bin/claude-ls', source: 'PATH' });
});

test('empty setting, nothing on PATH: the binary in the extension bin/', () => {
  const r = resolveBinary(query(['/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0/bin/claude-ls']));
  assert.deepEqual(r, { command: '/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0/bin/claude-ls', source: 'extension' });
});

test('the extension bin/ (a platform .vsix) wins over PATH', () => {
  const r = resolveBinary(query(['/usr/local/bin/claude-ls', '/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0/bin/claude-ls']));
  assert.deepEqual(r, { command: '/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0/bin/claude-ls', source: 'extension' });
});

test('the setting wins over the extension bin/', () => {
  const r = resolveBinary(
    query(['/opt/claude-ls', '/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0/bin/claude-ls'], { configured: '/opt/claude-ls' }),
  );
  assert.deepEqual(r, { command: '/opt/claude-ls', source: 'setting' });
});

test('not found: an error that says what to do, and what was tried', () => {
  const r = resolveBinary(query([], { pathEnv: '/usr/bin::/bin' }));
  assert.ok('error' in r);
  assert.match(r.error, /not found on PATH.*claude-ls\.path/);
  assert.deepEqual(r.tried, ['/home/me/.vscode/extensions/claude-ls.claude-ls-0.1.0/bin/claude-ls', '/usr/bin/claude-ls', '/bin/claude-ls']);
  assert.ok('error' in resolveBinary(query([], { pathEnv: undefined })));
});

test('an absolute setting is used as it is, and only it', () => {
  assert.deepEqual(resolveBinary(query(['/opt/claude-ls/claude-ls', '/usr/local/bin/claude-ls'], { configured: '/opt/claude-ls/claude-ls' })), {
    command: '/opt/claude-ls/claude-ls',
    source: 'setting',
  });
  const r = resolveBinary(query(['/usr/local/bin/claude-ls'], { configured: '/opt/missing/claude-ls' }));
  assert.ok('error' in r);
  assert.match(r.error, /\/opt\/missing\/claude-ls is not an executable file/);
});

test('a setting with ~, ${userHome} or ${workspaceFolder}, or relative to the workspace', () => {
  const files = ['/home/me/bin/claude-ls', '/work/project/tools/claude-ls'];
  assert.equal((resolveBinary(query(files, { configured: '~/bin/claude-ls' })) as { command: string }).command, '/home/me/bin/claude-ls');
  assert.equal((resolveBinary(query(files, { configured: '${userHome}/bin/claude-ls' })) as { command: string }).command, '/home/me/bin/claude-ls');
  assert.equal((resolveBinary(query(files, { configured: '${workspaceFolder}/tools/claude-ls' })) as { command: string }).command, '/work/project/tools/claude-ls');
  assert.equal((resolveBinary(query(files, { configured: './tools/claude-ls' })) as { command: string }).command, '/work/project/tools/claude-ls');
  const noFolder = resolveBinary(query(files, { configured: 'tools/claude-ls', workspaceFolder: undefined }));
  assert.ok('error' in noFolder && /no workspace folder/.test(noFolder.error));
});

test('a bare name in the setting is looked up on PATH', () => {
  const r = resolveBinary(query(['/home/me/go/bin/claude-ls-dev'], { configured: 'claude-ls-dev' }));
  assert.deepEqual(r, { command: '/home/me/go/bin/claude-ls-dev', source: 'setting' });
  const missing = resolveBinary(query([], { configured: 'claude-ls-dev' }));
  assert.ok('error' in missing && /not on PATH/.test(missing.error));
});

test('Windows: PATH with ; and the .exe extension', () => {
  const q = query(['C:\\Users\\me\\go\\bin\\claude-ls.exe'], {
    platform: 'win32',
    pathEnv: 'C:\\Windows;"C:\\Users\\me\\go\\bin"',
    pathExt: '.COM;.EXE;.BAT',
    extensionPath: 'C:\\Users\\me\\.vscode\\extensions\\x',
  });
  assert.deepEqual(resolveBinary(q), { command: 'C:\\Users\\me\\go\\bin\\claude-ls.exe', source: 'PATH' });
  const bundled = query(['C:\\Users\\me\\.vscode\\extensions\\x\\bin\\claude-ls.exe'], { platform: 'win32', pathEnv: '', extensionPath: 'C:\\Users\\me\\.vscode\\extensions\\x' });
  assert.deepEqual(resolveBinary(bundled), { command: 'C:\\Users\\me\\.vscode\\extensions\\x\\bin\\claude-ls.exe', source: 'extension' });
  const configured = query(['D:\\tools\\claude-ls.exe'], { platform: 'win32', configured: 'D:\\tools\\claude-ls.exe' });
  assert.deepEqual(resolveBinary(configured), { command: 'D:\\tools\\claude-ls.exe', source: 'setting' });
});
