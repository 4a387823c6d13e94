// Draws, as an HTML page, what VS Code shows for a .prompt file with this
// extension: the file coloured by the extension's TextMate grammar
// (vscode-textmate and vscode-oniguruma, as VS Code runs it) under the Dark
// Modern theme, then the server's semantic tokens on top, as VS Code does; and
// the language server's own answers: the code lens above line 1, the inlay
// hints, the diagnostics' squiggles, the hover of the first diagnostic, and the
// status bar item made from claude-ls.summary by the extension's statusText.
// Every figure on the page comes from `claude-ls serve`. Bundled and run by
// make-screenshot.sh:
//   node render.js EXTENSION_DIR SERVER PROMPT OUT.html WIDTH HEIGHT
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as oniguruma from 'vscode-oniguruma';
import * as tm from 'vscode-textmate';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

import { statusText, Summary } from '../src/format';
import { serverSettings } from '../src/settings';

const [ext, serverBin, promptFile, outFile, widthArg, heightArg] = process.argv.slice(2);
if (!heightArg) {
  console.error('usage: node render.js EXTENSION_DIR SERVER PROMPT OUT.html WIDTH HEIGHT');
  process.exit(2);
}
const width = Number(widthArg);
const height = Number(heightArg);

// ---- the theme: Dark Modern (its token colours are Dark+'s) ----------------

const editorFg = '#CCCCCC';
const editorBg = '#1F1F1F';
/** Dark+ token colours (dark_vs.json and dark_plus.json), the rules that can match a .prompt file's scopes. */
const rules: [string[], string, string?][] = [
  [['meta.embedded'], '#D4D4D4'],
  [['emphasis'], '', 'italic'],
  [['strong'], '', 'bold'],
  [['comment'], '#6A9955'],
  [['constant.language'], '#569CD6'],
  [['constant.numeric', 'variable.other.enummember'], '#B5CEA8'],
  [['constant.regexp'], '#646695'],
  [['entity.name.tag'], '#569CD6'],
  [['entity.other.attribute-name'], '#9CDCFE'],
  [['invalid'], '#F44747'],
  [['markup.underline'], '', 'underline'],
  [['markup.bold'], '#569CD6', 'bold'],
  [['markup.heading'], '#569CD6', 'bold'],
  [['markup.italic'], '#C586C0', 'italic'],
  [['markup.inline.raw', 'markup.deleted'], '#CE9178'],
  [['markup.inserted'], '#B5CEA8'],
  [['punctuation.definition.tag'], '#808080'],
  [['storage', 'storage.type', 'storage.modifier'], '#569CD6'],
  [['string', 'string.tag', 'string.value'], '#CE9178'],
  [['string.regexp'], '#D16969'],
  [['punctuation.definition.template-expression.begin', 'punctuation.definition.template-expression.end', 'punctuation.section.embedded'], '#569CD6'],
  [['meta.template.expression'], '#D4D4D4'],
  [['support.type.property-name'], '#9CDCFE'],
  [['keyword'], '#569CD6'],
  [['keyword.operator'], '#D4D4D4'],
  [['keyword.other.unit'], '#B5CEA8'],
  [['variable.language'], '#569CD6'],
  [['entity.name.function', 'support.function'], '#DCDCAA'],
  [['support.class', 'support.type', 'entity.name.type', 'entity.name.namespace', 'entity.other.attribute', 'entity.name.class'], '#4EC9B0'],
  [['keyword.control', 'keyword.other.operator', 'entity.name.operator'], '#C586C0'],
  [['variable', 'meta.definition.variable.name', 'support.variable', 'entity.name.variable', 'constant.other.placeholder'], '#9CDCFE'],
  [['variable.other.constant', 'variable.other.enummember'], '#4FC1FF'],
  [['constant.character', 'constant.other.option'], '#569CD6'],
  [['constant.character.escape'], '#D7BA7D'],
  [['entity.name.label'], '#C8C8C8'],
];
const rawTheme: tm.IRawTheme = {
  name: 'Dark Modern',
  settings: [
    { settings: { foreground: editorFg, background: editorBg } },
    ...rules.map(([scope, foreground, fontStyle]) => ({ scope, settings: { ...(foreground ? { foreground } : {}), ...(fontStyle ? { fontStyle } : {}) } })),
  ],
};

/** VS Code's default scopes for semantic token types (tokenClassificationRegistry.ts). */
const semanticScopes: Record<string, string[]> = {
  comment: ['comment'],
  string: ['string'],
  keyword: ['keyword.control'],
  number: ['constant.numeric'],
  regexp: ['constant.regexp'],
  operator: ['keyword.operator'],
  namespace: ['entity.name.namespace'],
  type: ['entity.name.type', 'support.type'],
  function: ['entity.name.function', 'support.function'],
  variable: ['variable.other.readwrite', 'entity.name.variable'],
  parameter: ['variable.parameter'],
  property: ['variable.other.property'],
  enumMember: ['variable.other.enummember'],
  decorator: ['entity.name.decorator', 'entity.name.function'],
};

/** The theme's colour for a single scope, as VS Code resolves a semantic token: the longest matching rule. */
function scopeStyle(scope: string): { fg?: string; fontStyle?: string } | undefined {
  let best: { len: number; fg?: string; fontStyle?: string } | undefined;
  for (const [selectors, fg, fontStyle] of rules) {
    for (const sel of selectors) {
      if ((scope === sel || scope.startsWith(sel + '.')) && (!best || sel.length >= best.len)) {
        best = { len: sel.length, fg: fg || undefined, fontStyle };
      }
    }
  }
  return best;
}

// ---- colouring: the grammar, then the semantic tokens ----------------------

interface Style {
  fg: string;
  fontStyle: number; // 1 italic, 2 bold, 4 underline
}

async function tokenize(lines: string[]): Promise<Style[][]> {
  const wasm = fs.readFileSync(path.join(ext, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammars: Record<string, string> = {
    'source.prompt': path.join(ext, 'syntaxes/prompt.tmLanguage.json'),
    // The YAML grammar VS Code embeds for the front matter (a copy kept for the grammar tests).
    'source.yaml': path.join(ext, 'test/grammar/yaml.tmLanguage.json'),
  };
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (grammars[scope] ? tm.parseRawGrammar(fs.readFileSync(grammars[scope], 'utf8'), grammars[scope]) : null),
    theme: rawTheme,
  });
  const grammar = await registry.loadGrammar('source.prompt');
  if (!grammar) {
    throw new Error('no grammar for source.prompt');
  }
  const colors = registry.getColorMap();
  let state = tm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine2(line, state);
    state = r.ruleStack;
    const styles: Style[] = new Array(line.length);
    for (let i = 0; i < r.tokens.length; i += 2) {
      const start = r.tokens[i];
      const end = i + 2 < r.tokens.length ? r.tokens[i + 2] : line.length;
      const meta = r.tokens[i + 1];
      const style = { fg: colors[(meta & 0xff8000) >>> 15], fontStyle: (meta & 0x7800) >>> 11 };
      for (let c = start; c < end; c++) {
        styles[c] = style;
      }
    }
    return styles;
  });
}

function applySemantic(styles: Style[][], data: number[], legend: string[]): void {
  let line = 0;
  let ch = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    line += data[i];
    ch = data[i] === 0 ? ch + data[i + 1] : data[i + 1];
    const scopes = semanticScopes[legend[data[i + 3]]] ?? [];
    const style = scopes.map(scopeStyle).find((s) => s !== undefined);
    if (!style) {
      continue; // the theme has nothing for it: the grammar's colour stays
    }
    for (let c = ch; c < ch + data[i + 2] && c < styles[line].length; c++) {
      const old = styles[line][c];
      const fontStyle = style.fontStyle === undefined ? old.fontStyle : (style.fontStyle.includes('italic') ? 1 : 0) | (style.fontStyle.includes('bold') ? 2 : 0) | (style.fontStyle.includes('underline') ? 4 : 0);
      styles[line][c] = { fg: style.fg ?? old.fg, fontStyle };
    }
  }
}

// ---- the language server ---------------------------------------------------

interface Pos {
  line: number;
  character: number;
}
interface Range {
  start: Pos;
  end: Pos;
}
interface Diagnostic {
  range: Range;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}
interface InlayHint {
  position: Pos;
  label: string | { value: string }[];
  paddingLeft?: boolean;
  paddingRight?: boolean;
}
interface CodeLens {
  range: Range;
  command?: { title: string; command: string };
}
interface Hover {
  contents: { kind: string; value: string } | string;
}
interface DocumentSymbol {
  name: string;
  range: Range;
  children?: DocumentSymbol[];
}

interface ServerView {
  diagnostics: Diagnostic[];
  hints: InlayHint[];
  lenses: CodeLens[];
  semantic: { data: number[]; legend: string[] };
  summary: Summary;
  hover?: Hover;
  quickFixes: number;
  preferredFix: boolean;
  symbols: DocumentSymbol[];
}

async function askServer(file: string, text: string): Promise<ServerView> {
  const root = path.dirname(file);
  const rootUri = pathToFileURL(root).toString();
  const uri = pathToFileURL(file).toString();
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY; // counts offline, as with no key set
  const proc = spawn(serverBin, ['serve'], { cwd: root, env, stdio: ['pipe', 'pipe', process.env.DEMO_DEBUG ? 'inherit' : 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const published = new Promise<Diagnostic[]>((resolve) => {
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      if (p.uri === uri && p.version === 1) {
        resolve(p.diagnostics);
      }
    });
  });
  conn.onRequest(() => null); // progress, refreshes
  conn.listen();
  try {
    const init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities: {
        textDocument: {
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          inlayHint: {},
          codeLens: {},
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          semanticTokens: { requests: { full: true }, tokenTypes: Object.keys(semanticScopes), tokenModifiers: ['declaration'], formats: ['relative'] },
        },
        window: { workDoneProgress: true },
      },
      initializationOptions: serverSettings(() => undefined).settings, // the extension's defaults
    })) as { capabilities: { semanticTokensProvider?: { legend: { tokenTypes: string[] } } } };
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prompt', version: 1, text } });
    const diagnostics = await Promise.race([published, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no diagnostics from the server')), 15000))]);
    const doc = { textDocument: { uri } };
    const lines = text.split('\n');
    const whole = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
    const first = diagnostics[0];
    const fixes = first
      ? (((await conn.sendRequest('textDocument/codeAction', { ...doc, range: first.range, context: { diagnostics: [first], only: ['quickfix'] } })) as { isPreferred?: boolean }[] | null) ?? [])
      : [];
    const view: ServerView = {
      diagnostics,
      hints: ((await conn.sendRequest('textDocument/inlayHint', { ...doc, range: whole })) as InlayHint[] | null) ?? [],
      lenses: ((await conn.sendRequest('textDocument/codeLens', doc)) as CodeLens[] | null) ?? [],
      semantic: {
        data: (((await conn.sendRequest('textDocument/semanticTokens/full', doc)) as { data: number[] } | null) ?? { data: [] }).data,
        legend: init.capabilities.semanticTokensProvider?.legend.tokenTypes ?? [],
      },
      summary: (await conn.sendRequest('workspace/executeCommand', { command: 'claude-ls.summary', arguments: [{ uri }] })) as Summary,
      hover: first ? (((await conn.sendRequest('textDocument/hover', { ...doc, position: first.range.start })) as Hover | null) ?? undefined) : undefined,
      quickFixes: fixes.length,
      preferredFix: fixes.some((f) => f.isPreferred),
      symbols: ((await conn.sendRequest('textDocument/documentSymbol', doc)) as DocumentSymbol[] | null) ?? [],
    };
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    return view;
  } finally {
    setTimeout(() => proc.exitCode === null && proc.kill(), 2000).unref();
    await new Promise((resolve) => (proc.exitCode !== null ? resolve(null) : proc.once('exit', resolve)));
    conn.dispose();
  }
}

// ---- the page --------------------------------------------------------------

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** The little Markdown the server's hovers use: paragraphs, lists, **bold**, _italic_, `code`. */
function markdown(md: string): string {
  const inline = (s: string) => {
    const codes: string[] = [];
    s = s.replace(/`([^`]+)`/g, (_, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
    s = esc(s)
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])_(.+?)_(?=[\s.,;:)]|$)/g, '$1<em>$2</em>');
    return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${esc(codes[Number(i)])}</code>`);
  };
  // Each paragraph: its lines starting with "- " as a list, the others as text.
  return md
    .split(/\n{2,}/)
    .map((para) =>
      para
        .replace(/^(?!- )(.+)$(\n(?!- ).+$)*/gm, (text) => `<p>${inline(text.replace(/\n/g, ' '))}</p>`)
        .replace(/(^- .*$\n?)+/gm, (list) => `<ul>${list.trim().split('\n').map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`)
        .replace(/\n/g, ''),
    )
    .join('');
}

const icons: Record<string, string> = {
  // Shapes after the codicons the extension and VS Code name.
  sparkle: '<svg viewBox="0 0 16 16" width="14" height="14"><path fill="currentColor" d="M8 1.5l1.4 4.1L13.5 7 9.4 8.4 8 12.5 6.6 8.4 2.5 7l4.1-1.4z"/><path fill="currentColor" d="M12.5 11l.55 1.45L14.5 13l-1.45.55L12.5 15l-.55-1.45L10.5 13l1.45-.55z"/></svg>',
  error: '<svg viewBox="0 0 16 16" width="14" height="14"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.2"/><path d="M5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8" stroke="currentColor" stroke-width="1.2"/></svg>',
  warning: '<svg viewBox="0 0 16 16" width="14" height="14"><path d="M8 2L14.5 13.5h-13z" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linejoin="round"/><path d="M8 6.2v3.6M8 11.2v1" stroke="currentColor" stroke-width="1.3"/></svg>',
  bell: '<svg viewBox="0 0 16 16" width="14" height="14"><path d="M4 11V7a4 4 0 018 0v4l1.2 1.3H2.8z M6.6 13.3a1.5 1.5 0 002.8 0" fill="none" stroke="currentColor" stroke-width="1.1"/></svg>',
  remote: '<svg viewBox="0 0 16 16" width="14" height="14"><path d="M3 5.5L6 8.5 3 11.5M13 4.5L10 7.5l3 3" fill="none" stroke="currentColor" stroke-width="1.3"/></svg>',
  play: '<svg viewBox="0 0 16 16" width="16" height="16"><path d="M4.5 2.8v10.4L13 8z" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linejoin="round"/></svg>',
  more: '<svg viewBox="0 0 16 16" width="16" height="16"><circle cx="3.5" cy="8" r="1.1" fill="currentColor"/><circle cx="8" cy="8" r="1.1" fill="currentColor"/><circle cx="12.5" cy="8" r="1.1" fill="currentColor"/></svg>',
  split: '<svg viewBox="0 0 16 16" width="16" height="16"><rect x="2" y="2.5" width="12" height="11" rx="1" fill="none" stroke="currentColor" stroke-width="1.1"/><path d="M8 2.5v11" stroke="currentColor" stroke-width="1.1"/></svg>',
  lightbulb: '<svg viewBox="0 0 16 16" width="16" height="16"><path d="M8 1.8a4.3 4.3 0 00-2.6 7.7c.5.4.8 1 .8 1.6v.9h3.6v-.9c0-.6.3-1.2.8-1.6A4.3 4.3 0 008 1.8z" fill="none" stroke="currentColor" stroke-width="1.2"/><path d="M6.3 13.6h3.4M6.8 15h2.4" stroke="currentColor" stroke-width="1.1"/></svg>',
  chevron: '<svg viewBox="0 0 16 16" width="14" height="14"><path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" stroke-width="1.2"/></svg>',
  symbol: '<svg viewBox="0 0 16 16" width="14" height="14"><rect x="3" y="4" width="10" height="8" rx="1" fill="none" stroke="#75BEFF" stroke-width="1.2"/></svg>',
};

/** A status bar or lens text with $(icon) names drawn. */
const withIcons = (s: string) => esc(s).replace(/\$\(([a-z-]+)\)/g, (_, n: string) => `<span class="icon">${icons[n] ?? ''}</span>`);

function squiggle(color: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 6 3" height="3" width="6"><g fill="${color}"><polygon points="5.5,0 2.5,3 1.1,3 4.1,0"/><polygon points="4,0 6,2 6,0.6 5.4,0"/><polygon points="0,2 1,3 2.4,3 0,0.6"/></g></svg>`;
  return `url('data:image/svg+xml,${encodeURIComponent(svg)}') repeat-x bottom left`;
}
const severityColor = (s?: number) => (s === 1 ? '#F14C4C' : s === 2 ? '#CCA700' : s === 3 ? '#3794FF' : '#EEEEEEB3');

function page(file: string, text: string, styles: Style[][], v: ServerView): string {
  const lines = text.split('\n');
  const LH = 19;
  const cursor: Pos = v.diagnostics[0]?.range.start ?? { line: 0, character: 0 };
  const indents = lines.map((l) => /^ */.exec(l)![0].length).filter((n, i) => n > 0 && n < lines[i].length);
  const indent = indents.length ? Math.min(...indents) : 4; // "Spaces:", as VS Code detects it here
  const hintsAt = (l: number) => v.hints.filter((h) => h.position.line === l);
  const diagsAt = (l: number) => v.diagnostics.filter((d) => d.range.start.line <= l && d.range.end.line >= l && d.severity !== 4);

  const renderLine = (l: number): string => {
    const line = lines[l];
    const cuts = new Set<number>([0, line.length]);
    for (let c = 1; c < line.length; c++) {
      if (styles[l][c].fg !== styles[l][c - 1].fg || styles[l][c].fontStyle !== styles[l][c - 1].fontStyle) {
        cuts.add(c);
      }
    }
    const squiggles = diagsAt(l).map((d) => ({
      from: d.range.start.line < l ? 0 : d.range.start.character,
      to: d.range.end.line > l ? line.length : d.range.end.character,
      color: severityColor(d.severity),
    }));
    squiggles.forEach((s) => (cuts.add(s.from), cuts.add(s.to)));
    const hints = hintsAt(l);
    hints.forEach((h) => cuts.add(h.position.character));
    const at = [...cuts].filter((c) => c >= 0 && c <= line.length).sort((a, b) => a - b);
    // Indent guides, at each indent level inside the leading spaces.
    let html = '';
    const lead = /^ */.exec(line)![0].length;
    for (let c = 0; lead < line.length && c < lead; c += indent) {
      html += `<span class="guide" style="left:${c}ch"></span>`;
    }
    for (let i = 0; i < at.length; i++) {
      for (const h of hints.filter((h) => h.position.character === at[i])) {
        const label = typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
        html += `<span class="hint${h.paddingLeft ? ' pl' : ''}${h.paddingRight ? ' pr' : ''}">${esc(label)}</span>`;
      }
      if (i + 1 < at.length) {
        const st = styles[l][at[i]];
        const sq = squiggles.find((s) => s.from <= at[i] && at[i] < s.to);
        const css = [`color:${st.fg}`];
        if (st.fontStyle & 1) css.push('font-style:italic');
        if (st.fontStyle & 2) css.push('font-weight:bold');
        if (st.fontStyle & 4) css.push('text-decoration:underline');
        if (sq) css.push(`background:${squiggle(sq.color)}`, 'display:inline-block', 'height:19px');
        html += `<span style="${css.join(';')}">${esc(line.slice(at[i], at[i + 1]))}</span>`;
      }
    }
    if (l === cursor.line) {
      html += `<span class="cursor" style="left:${cursor.character}ch"></span>`;
    }
    return html;
  };

  // The code lenses of line 1 (the server puts them all there), joined as VS Code joins them.
  const lensLines = new Map<number, CodeLens[]>();
  for (const lens of v.lenses) {
    lensLines.set(lens.range.start.line, [...(lensLines.get(lens.range.start.line) ?? []), lens]);
  }
  const lensHtml = (ls: CodeLens[]) =>
    ls.map((c) => (c.command?.command ? `<a>${withIcons(c.command.title)}</a>` : `<span>${withIcons(c.command?.title ?? '')}</span>`)).join('<span>&nbsp;|&nbsp;</span>');

  // The hover of the first diagnostic, as VS Code shows it over the squiggle:
  // the problem, the server's hover, then the problem's actions.
  const d = v.diagnostics[0];
  let hoverHtml = '';
  if (d) {
    const hoverMd = v.hover ? (typeof v.hover.contents === 'string' ? v.hover.contents : v.hover.contents.value) : '';
    hoverHtml = `<div class="hover" style="left:calc(${d.range.start.character}ch - 8px)">
<div class="hover-row marker"><span>${esc(d.message)}</span> <span class="detail">${esc(d.source ?? '')}${d.code !== undefined ? `(${esc(String(d.code))})` : ''}</span></div>
${hoverMd ? `<div class="hover-row md">${markdown(hoverMd)}</div>` : ''}
<div class="hover-status"><a>View Problem <span class="kb">(Alt+F8)</span></a>${v.quickFixes > 0 ? '<a>Quick Fix... <span class="kb">(Ctrl+.)</span></a>' : '<span class="none">No quick fixes available</span>'}</div>
</div>`;
  }

  let body = '';
  lines.forEach((_, l) => {
    const lenses = lensLines.get(l);
    if (lenses) {
      body += `<div class="row lens-row"><div class="gutter"></div><div class="code lens">${lensHtml(lenses)}</div></div>`;
    }
    const current = l === cursor.line;
    // On the cursor's line, the light bulb of its quick fixes (blue for a preferred one), in the gutter as the line starts with text.
    const bulb = current && v.quickFixes > 0 ? `<span class="bulb" style="color:${v.preferredFix ? '#75BEFF' : '#FFCC00'}">${icons.lightbulb}</span>` : '';
    body += `<div class="row${current ? ' current' : ''}"><div class="gutter">${bulb}${l + 1}</div><div class="code">${renderLine(l)}${current ? hoverHtml : ''}</div></div>`;
  });

  // Minimap and overview ruler marks.
  let minimap = '';
  lines.forEach((line, l) => {
    let c = 0;
    while (c < line.length) {
      let e = c + 1;
      while (e < line.length && styles[l][e].fg === styles[l][c].fg && (line[e] === ' ') === (line[c] === ' ')) e++;
      if (line[c] !== ' ') {
        minimap += `<i style="left:${c}px;top:${l * 2}px;width:${e - c}px;background:${styles[l][c].fg}"></i>`;
      }
      c = e;
    }
  });
  const editorHeight = height - 35 - 35 - 22 - 22;
  const scrollHeight = lines.length * LH + lensLines.size * 16 + editorHeight - LH;
  const rulerMarks = v.diagnostics
    .map((dg) => `<i style="top:${Math.round(((dg.range.start.line * LH + lensLines.size * 16) * editorHeight) / scrollHeight)}px;background:${severityColor(dg.severity)}"></i>`)
    .join('');

  const s = v.summary;
  const errors = v.diagnostics.filter((x) => x.severity === 1).length;
  const warnings = v.diagnostics.filter((x) => x.severity === 2).length;
  const symbolAt = (syms: DocumentSymbol[], l: number): string[] => {
    const hit = syms.find((x) => x.range.start.line <= l && l <= x.range.end.line);
    return hit ? [hit.name, ...symbolAt(hit.children ?? [], l)] : [];
  };
  const crumbs = [path.basename(file), ...symbolAt(v.symbols, cursor.line)];
  const icon = fs.readFileSync(path.join(ext, 'images/icon.png')).toString('base64');

  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${esc(path.basename(file))}</title><style>
* { box-sizing: border-box; }
html, body { margin: 0; width: ${width}px; height: ${height}px; overflow: hidden; background: ${editorBg}; }
body { display: flex; flex-direction: column; font: 13px "DejaVu Sans", "Segoe WPC", "Segoe UI", "Ubuntu", sans-serif; color: #CCCCCC; }
.titlebar { height: 35px; flex: none; background: #181818; border-bottom: 1px solid #2B2B2B; display: flex; align-items: center; padding: 0 10px; gap: 14px; position: relative; }
.titlebar .menu { color: #CCCCCC; }
.titlebar .center { position: absolute; left: 50%; transform: translateX(-50%); width: 32%; height: 24px; border: 1px solid #3C3C3C; background: #222222; border-radius: 6px; color: #9D9D9D; display: flex; align-items: center; justify-content: center; font-size: 12px; }
.titlebar .win { margin-left: auto; display: flex; gap: 26px; color: #CCCCCC; padding-right: 8px; }
.tabs { height: 35px; flex: none; background: #181818; border-bottom: 1px solid #2B2B2B; display: flex; }
.tab { height: 35px; padding: 0 12px 0 10px; display: flex; align-items: center; gap: 6px; background: ${editorBg}; border-top: 1px solid #0078D4; border-right: 1px solid #2B2B2B; color: #FFFFFF; }
.tab img { width: 16px; height: 16px; }
.tab .close { margin-left: 10px; color: #CCCCCC; font-size: 14px; }
.actions { margin-left: auto; display: flex; align-items: center; gap: 10px; padding-right: 10px; color: #CCCCCC; }
.actions .run { display: flex; align-items: center; gap: 2px; }
.crumbs { height: 22px; flex: none; display: flex; align-items: center; gap: 2px; padding-left: 22px; color: #CCCCCCCC; font-size: 13px; }
.crumbs img { width: 14px; height: 14px; margin-right: 4px; }
.crumbs .icon, .crumbs span { display: inline-flex; align-items: center; }
.editor { flex: 1; position: relative; background: ${editorBg}; overflow: hidden; }
.lines { position: absolute; left: 0; top: 0; right: 0; font: 14px/19px "Droid Sans Mono", "DejaVu Sans Mono", monospace; font-feature-settings: "liga" 0, "calt" 0; }
.row { display: flex; height: 19px; position: relative; }
.gutter { width: 86px; flex: none; padding-right: 26px; text-align: right; color: #6E7681; }
.row.current .gutter { color: #CCCCCC; }
.bulb { position: absolute; left: 4px; top: 1px; display: inline-flex; }
.code { flex: 1; position: relative; white-space: pre; color: ${editorFg}; }
.row.current .code { box-shadow: inset 0 0 0 2px #282828; }
.lens-row { height: 16px; }
.lens { font: 12px/16px "DejaVu Sans", "Segoe WPC", "Segoe UI", "Ubuntu", sans-serif; color: #999999; }
.lens > * { vertical-align: sub; }
.lens a, .lens span { color: #999999; text-decoration: none; }
.hint { color: #969696; background: #6161611A; border-radius: 3px; font-size: 14px; }
.hint.pl { margin-left: 4px; }
.hint.pr { margin-right: 4px; }
.guide { position: absolute; top: 0; width: 1px; height: 19px; background: #404040; }
.cursor { position: absolute; top: 0; width: 2px; height: 19px; background: #AEAFAD; }
.hover { position: absolute; bottom: 100%; margin-bottom: 2px; z-index: 10; max-width: 520px; width: max-content; white-space: normal; background: #202020; border: 1px solid #454545; border-radius: 3px; box-shadow: 0 2px 8px #0000005C; font: 13px/1.45 "DejaVu Sans", "Segoe WPC", "Segoe UI", sans-serif; color: #CCCCCC; }
.hover-row { padding: 4px 8px; }
.hover-row + .hover-row { border-top: 1px solid #45454580; }
.hover .detail { color: #9D9D9D; }
.hover p { margin: 4px 0; }
.hover ul { margin: 4px 0; padding-left: 20px; }
.hover code { font: 12px "Droid Sans Mono", "DejaVu Sans Mono", monospace; color: #D0D0D0; background: #3C3C3C; border-radius: 3px; padding: 1px 3px; }
.hover strong code { font-weight: bold; }
.hover-status { border-top: 1px solid #45454580; background: #262626; padding: 2px 8px; font-size: 12px; display: flex; gap: 16px; }
.hover-status a { color: #4DAAFC; }
.hover-status .kb { opacity: 0.8; }
.hover-status .none { color: #9D9D9D; }
.minimap { position: absolute; top: 0; right: 14px; width: 110px; height: 100%; }
.minimap i { position: absolute; height: 2px; opacity: 0.55; }
.ruler { position: absolute; top: 0; right: 0; width: 14px; height: 100%; border-left: 1px solid #010409; }
.ruler i { position: absolute; right: 0; width: 5px; height: 3px; }
.statusbar { height: 22px; flex: none; background: #181818; border-top: 1px solid #2B2B2B; display: flex; align-items: stretch; font-size: 12px; color: #CCCCCC; }
.statusbar .item { display: flex; align-items: center; gap: 3px; padding: 0 5px; margin: 0 2px; white-space: pre; }
.statusbar .remote { background: #0078D4; color: #FFFFFF; padding: 0 9px; margin: 0 4px 0 0; }
.statusbar .right { margin-left: auto; display: flex; }
.icon { display: inline-flex; vertical-align: middle; }
</style></head><body>
<div class="titlebar"><span class="menu">File</span><span class="menu">Edit</span><span class="menu">Selection</span><span class="menu">View</span><span class="menu">Go</span><span class="menu">Run</span><span class="menu">Terminal</span><span class="menu">Help</span>
<div class="center">${esc(path.basename(path.dirname(file)))}</div><div class="win"><span>&#x2014;</span><span>&#x25A2;</span><span>&#x2715;</span></div></div>
<div class="tabs"><div class="tab"><img src="data:image/png;base64,${icon}">${esc(path.basename(file))}<span class="close">&#x2715;</span></div>
<div class="actions"><span class="run">${icons.play}<span style="font-size:9px">&#x2228;</span></span>${icons.split}${icons.more}</div></div>
<div class="crumbs">${crumbs.map((c, i) => (i === 0 ? `<span><img src="data:image/png;base64,${icon}">${esc(c)}</span>` : `<span class="icon">${icons.chevron}</span><span>${icons.symbol}&nbsp;${esc(c)}</span>`)).join('')}</div>
<div class="editor"><div class="lines">${body}</div><div class="minimap">${minimap}</div><div class="ruler">${rulerMarks}</div></div>
<div class="statusbar"><span class="item remote">${icons.remote}</span><span class="item">${icons.error} ${errors} ${icons.warning} ${warnings}</span>
<span class="right"><span class="item">Ln ${cursor.line + 1}, Col ${cursor.character + 1}</span><span class="item">Spaces: ${indent}</span><span class="item">UTF-8</span><span class="item">LF</span><span class="item">Prompt</span><span class="item">${withIcons(statusText(s))}</span><span class="item">${icons.bell}</span></span></div>
</body></html>
`;
}

async function main(): Promise<void> {
  const file = path.resolve(promptFile);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const styles = await tokenize(lines);
  const view = await askServer(file, text);
  applySemantic(styles, view.semantic.data, view.semantic.legend);
  fs.writeFileSync(outFile, page(file, text, styles, view));
  // What the picture shows, for the record.
  console.log(`lens: ${view.lenses.map((l) => l.command?.title).join(' | ')}`);
  for (const h of view.hints) {
    console.log(`hint ${h.position.line + 1}:${h.position.character + 1}: ${typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')}`);
  }
  for (const dg of view.diagnostics) {
    console.log(`diagnostic ${dg.range.start.line + 1}:${dg.range.start.character + 1}: ${dg.message} [${dg.code}]`);
  }
  console.log(`status bar: ${statusText(view.summary)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
