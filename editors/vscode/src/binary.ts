// Finding the claude-ls binary: the claude-ls.path setting, else the binary
// shipped in the extension's bin/ (platform-specific .vsix), else PATH. Pure: the file system is
// reached only through isExecutable, so tests can fake it.
import * as path from 'path';

export interface BinaryQuery {
  /** The claude-ls.path setting, as written. */
  configured: string;
  /** The PATH the server would be started with. */
  pathEnv: string | undefined;
  /** Windows PATHEXT, e.g. ".COM;.EXE;.BAT". */
  pathExt?: string;
  platform: NodeJS.Platform;
  extensionPath: string;
  /** The first workspace folder, for a relative claude-ls.path and ${workspaceFolder}. */
  workspaceFolder?: string;
  homeDir?: string;
  isExecutable(file: string): boolean;
}

export type BinaryResult =
  | { command: string; source: 'setting' | 'PATH' | 'extension' }
  | { error: string; tried: string[] };

export const BINARY_NAME = 'claude-ls';

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** The names a program may have on this platform: claude-ls, or claude-ls.exe, … on Windows. */
function candidates(name: string, q: BinaryQuery): string[] {
  if (q.platform !== 'win32' || path.win32.extname(name) !== '') {
    return [name];
  }
  const exts = (q.pathExt || '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  return exts.map((e) => name + e.toLowerCase());
}

/** Looks a bare program name up on PATH. */
export function searchPath(name: string, q: BinaryQuery, tried: string[]): string | undefined {
  const p = pathApi(q.platform);
  const sep = q.platform === 'win32' ? ';' : ':';
  for (const dir of (q.pathEnv ?? '').split(sep)) {
    if (dir === '') {
      continue; // an empty entry would mean the current folder, which is not the workspace
    }
    for (const file of candidates(name, q)) {
      const full = p.join(dir.replace(/^"(.*)"$/, '$1'), file);
      tried.push(full);
      if (q.isExecutable(full)) {
        return full;
      }
    }
  }
  return undefined;
}

/** Expands ~ and ${workspaceFolder}, ${userHome} in a configured path. */
export function expandConfigured(configured: string, q: BinaryQuery): string {
  let s = configured.trim();
  if (q.homeDir) {
    s = s.replace(/\$\{userHome\}/g, q.homeDir);
    if (s === '~' || s.startsWith('~/') || (q.platform === 'win32' && s.startsWith('~\\'))) {
      s = q.homeDir + s.slice(1);
    }
  }
  if (q.workspaceFolder) {
    s = s.replace(/\$\{workspaceFolder\}/g, q.workspaceFolder);
  }
  return s;
}

export function resolveBinary(q: BinaryQuery): BinaryResult {
  const p = pathApi(q.platform);
  const tried: string[] = [];
  const configured = expandConfigured(q.configured, q);
  if (configured !== '') {
    const hasDir = configured.includes('/') || (q.platform === 'win32' && configured.includes('\\'));
    if (!hasDir) {
      const found = searchPath(configured, q, tried);
      if (found) {
        return { command: found, source: 'setting' };
      }
      return { error: `claude-ls.path is "${q.configured}", which is not on PATH.`, tried };
    }
    let full = configured;
    if (!p.isAbsolute(full)) {
      if (!q.workspaceFolder) {
        return { error: `claude-ls.path "${q.configured}" is relative and there is no workspace folder to resolve it against.`, tried };
      }
      full = p.resolve(q.workspaceFolder, full);
    }
    for (const c of candidates(full, q)) {
      tried.push(c);
      if (q.isExecutable(c)) {
        return { command: c, source: 'setting' };
      }
    }
    return { error: `claude-ls.path is "${q.configured}", but ${full} is not an executable file.`, tried };
  }
  // A platform-specific .vsix ships its own server in bin/: that one matches
  // the extension's version, so it comes before PATH. The universal .vsix has
  // no bin/ and uses PATH.
  for (const c of candidates(p.join(q.extensionPath, 'bin', BINARY_NAME), q)) {
    tried.push(c);
    if (q.isExecutable(c)) {
      return { command: c, source: 'extension' };
    }
  }
  const onPath = searchPath(BINARY_NAME, q, tried);
  if (onPath) {
    return { command: onPath, source: 'PATH' };
  }
  return {
    error: 'claude-ls was not found on PATH. Install the .vsix made for your platform (it carries the server), or a claude-ls release (or go install ./cmd/claude-ls) on PATH, or set claude-ls.path.',
    tried,
  };
}
