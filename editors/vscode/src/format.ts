// Pure formatting of what the server's claude-ls.summary and claude-ls.usage
// commands answer: the status bar text and tooltip, the per-block breakdown,
// and the usage report. No VS Code import here, so node's test runner can
// load it.

/** One block's share, as claude-ls.summary answers it (lsp/summary.go). */
export interface SummaryBlock {
  role: string;
  /** 0-based, as LSP lines: the role line, or the first content line of an implicit user block. */
  line: number;
  tokens: number;
  /** Decimal dollars without "$", e.g. "0.003663"; absent for an unknown model. */
  inputUsd?: string;
  /** The role line's cache attribute as written: "cache", "cache=1h", … */
  cache?: string;
}

/** What claude-ls.summary answers. Amounts are exact decimal strings of dollars. */
export interface Summary {
  version: number;
  model: string;
  modelKnown: boolean;
  calibrated: boolean;
  inputTokens: number;
  /** The API's count of this very version, once "Count Tokens Exactly" ran. */
  exactTokens?: number;
  inputUsd?: string;
  outputMaxUsd?: string;
  maxTokens: number;
  errors: number;
  blocks: SummaryBlock[];
  /** The rate-limit headroom the model's last answer reported, as one line. */
  limitsText?: string;
}

const PICO = 10n ** 12n;
const DECIMALS = 12;

/** Reads a decimal dollar string ("0.0069", "12", "-3.5", "$1.25") into picodollars. */
export function parseUsd(s: string): bigint | undefined {
  const m = /^\s*(-)?\$?(\d*)(?:\.(\d*))?\s*$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    return undefined;
  }
  let frac = m[3] ?? '';
  if (frac.length > DECIMALS) {
    frac = frac.slice(0, DECIMALS); // finer than a picodollar: never sent by the server
  }
  const v = BigInt(m[2] || '0') * PICO + BigInt(frac.padEnd(DECIMALS, '0') || '0');
  return m[1] ? -v : v;
}

function roundTo(v: bigint, decimals: number): bigint {
  if (decimals >= DECIMALS) {
    return v;
  }
  const unit = 10n ** BigInt(DECIMALS - decimals);
  const q = v / unit;
  const r = v % unit;
  return (r * 2n >= unit ? q + 1n : q) * unit;
}

function scaled(v: bigint, decimals: number): string {
  let s = v.toString();
  if (s.length <= DECIMALS) {
    s = '0'.repeat(DECIMALS - s.length + 1) + s;
  }
  const whole = s.slice(0, s.length - DECIMALS);
  const frac = s.slice(s.length - DECIMALS, s.length - DECIMALS + decimals);
  return decimals === 0 ? whole : `${whole}.${frac}`;
}

/**
 * Formats picodollars as the server and the CLI do (promptfile.USD.String):
 * "$0"; from $1 two decimals; below $1 at least 4 decimals and at least 2
 * significant digits, rounded half-up.
 */
export function formatPico(amount: bigint): string {
  if (amount === 0n) {
    return '$0';
  }
  const sign = amount < 0n ? '-' : '';
  const v = amount < 0n ? -amount : amount;
  if (v < PICO) {
    let decimals = 4;
    for (let d = 1; d <= DECIMALS; d++) {
      if (v >= 10n ** BigInt(DECIMALS - d)) {
        decimals = Math.max(4, Math.min(d + 1, DECIMALS));
        break;
      }
    }
    const r = roundTo(v, decimals);
    if (r < PICO) {
      let s = scaled(r, decimals);
      if (decimals > 4) {
        s = s.replace(/0+$/, '');
        const shown = s.length - s.indexOf('.') - 1;
        if (shown < 4) {
          s += '0'.repeat(4 - shown);
        }
      }
      return `${sign}$${s}`;
    }
  }
  return `${sign}$${scaled(roundTo(v, 2), 2)}`;
}

/** Formats a decimal dollar string; undefined for one that is missing or unreadable. */
export function formatUsd(decimal: string | undefined): string | undefined {
  if (decimal === undefined) {
    return undefined;
  }
  const v = parseUsd(decimal);
  return v === undefined ? undefined : formatPico(v);
}

/** 1234567 → "1,234,567", as the server writes counts. */
export function groupDigits(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/**
 * The input cost of the exact count: the estimate's cost scaled to the exact
 * tokens (the server prices every input token of a request alike, so this is
 * exact tokens × input price), rounded half-up to a picodollar.
 */
export function exactInputPico(s: Summary): bigint | undefined {
  if (s.exactTokens === undefined || s.inputUsd === undefined) {
    return undefined;
  }
  const est = parseUsd(s.inputUsd);
  if (est === undefined) {
    return undefined;
  }
  if (s.inputTokens <= 0) {
    return s.exactTokens === 0 ? 0n : undefined;
  }
  const num = est * BigInt(s.exactTokens);
  const den = BigInt(s.inputTokens);
  return (num * 2n + den) / (2n * den);
}

/** "≈ 2,305 tok" for the estimate, "2,291 tok" for the exact count. */
export function tokenText(s: Summary): string {
  return s.exactTokens !== undefined ? `${groupDigits(s.exactTokens)} tok` : `≈ ${groupDigits(s.inputTokens)} tok`;
}

/** The request's input cost as shown: "$0.0069", or why there is none. */
export function costText(s: Summary): string {
  if (!s.modelKnown || s.inputUsd === undefined) {
    return s.model ? 'no prices (unknown model)' : 'no prices';
  }
  const exact = exactInputPico(s);
  if (exact !== undefined) {
    return formatPico(exact);
  }
  return formatUsd(s.inputUsd) ?? 'no prices';
}

/**
 * The status bar text, e.g. `$(sparkle) claude-sonnet-4-6 · ≈ 2,305 tok · $0.0069`,
 * with `· $(error) 2` when the prompt has errors.
 */
export function statusText(s: Summary): string {
  const parts = [s.model || 'no model', tokenText(s), costText(s)];
  let text = `$(sparkle) ${parts.join(' · ')}`;
  if (s.errors > 0) {
    text += ` · $(error) ${s.errors}`;
  }
  return text;
}

/** The status bar tooltip, as Markdown. */
export function statusTooltip(s: Summary): string {
  const lines: string[] = [];
  if (!s.model) {
    lines.push('**No model**: set `model:` in the front matter, or a default model');
  } else if (!s.modelKnown) {
    lines.push(`**${s.model}** — unknown model: no prices`);
  } else {
    lines.push(`**${s.model}**`);
  }
  if (s.exactTokens !== undefined) {
    lines.push(`Input: ${groupDigits(s.exactTokens)} tokens (exact, counted by the API; estimate ≈ ${groupDigits(s.inputTokens)})`);
  } else {
    const how = s.calibrated ? 'offline estimate, calibrated on exact counts' : 'offline estimate';
    lines.push(`Input: ≈ ${groupDigits(s.inputTokens)} tokens (${how})`);
  }
  if (s.modelKnown && s.inputUsd !== undefined) {
    lines.push(`Input cost: ${costText(s)}`);
    const out = formatUsd(s.outputMaxUsd);
    if (out !== undefined) {
      lines.push(`Output: up to ${out} (max_tokens ${groupDigits(s.maxTokens)})`);
    }
  }
  if (s.errors > 0) {
    lines.push(`${s.errors} error${s.errors === 1 ? '' : 's'}: see the Problems panel`);
  }
  if (s.limitsText) {
    lines.push(s.limitsText.replace(/^rate limits left/, 'Rate limits left'));
  }
  lines.push('', 'Click for the tokens of each block.');
  // Two spaces end a Markdown line without starting a paragraph.
  return lines.join('  \n');
}

/** One entry of the breakdown QuickPick. */
export interface BreakdownItem {
  label: string;
  description: string;
  detail: string;
  /** 0-based line to reveal. */
  line: number;
}

const roleIcons: Record<string, string> = {
  system: '$(gear)',
  user: '$(account)',
  assistant: '$(hubot)',
};

/** The per-block breakdown: role and cache attribute, tokens, share and cost, line. */
export function breakdownItems(s: Summary): BreakdownItem[] {
  const total = s.blocks.reduce((n, b) => n + b.tokens, 0);
  return s.blocks.map((b) => {
    const label = `${roleIcons[b.role] ?? '$(symbol-text)'} ${b.role}${b.cache ? `  ${b.cache}` : ''}`;
    const parts = [`≈ ${groupDigits(b.tokens)} tok`];
    if (total > 0) {
      parts.push(`${Math.round((100 * b.tokens) / total)}%`);
    }
    const cost = s.modelKnown ? formatUsd(b.inputUsd) : undefined;
    if (cost !== undefined) {
      parts.push(cost);
    }
    return { label, description: parts.join(' · '), detail: `line ${b.line + 1}`, line: b.line };
  });
}

/** The breakdown's title: the status text without its icons. */
export function breakdownTitle(s: Summary): string {
  return `${s.model || 'no model'} · ${tokenText(s)} · ${costText(s)}${s.maxTokens > 0 && s.modelKnown && s.outputMaxUsd ? ` · out ≤ ${formatUsd(s.outputMaxUsd)}` : ''}`;
}

/** Tokens of recorded runs (workbench.Usage). */
export interface UsageTokens {
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_read_tokens: number;
}

/** One row of the usage report: a model on a day, a model overall, or the total. */
export interface UsageRow {
  day?: string;
  model?: string;
  runs: number;
  usage: UsageTokens;
  cost_usd: string;
}

/** What claude-ls.usage answers (workbench.UsageReport). */
export interface UsageReport {
  since?: string;
  days: UsageRow[] | null;
  models: UsageRow[] | null;
  total: UsageRow;
  month_usd: string;
}

const usageColumns = ['runs', 'input', 'output', 'cache write', 'cache read', 'cost'];

function usageCells(r: UsageRow): string[] {
  const u = r.usage ?? { input_tokens: 0, output_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0 };
  return [
    groupDigits(r.runs ?? 0),
    groupDigits(u.input_tokens ?? 0),
    groupDigits(u.output_tokens ?? 0),
    groupDigits(u.cache_write_tokens ?? 0),
    groupDigits(u.cache_read_tokens ?? 0),
    formatUsd(r.cost_usd) ?? '',
  ];
}

/** A table: a header and rows of cells, for Markdown or HTML. */
export interface Table {
  header: string[];
  rows: string[][];
}

/** The report as tables, by model then by day, newest day first. */
export function usageTables(rep: UsageReport): { month: string; total: string; models: Table; days: Table; empty: boolean } {
  const models = rep.models ?? [];
  const days = [...(rep.days ?? [])].sort((a, b) => (b.day ?? '').localeCompare(a.day ?? '') || (a.model ?? '').localeCompare(b.model ?? ''));
  return {
    month: formatUsd(rep.month_usd) ?? '$0',
    total: `${groupDigits(rep.total?.runs ?? 0)} run${rep.total?.runs === 1 ? '' : 's'}, ${formatUsd(rep.total?.cost_usd) ?? '$0'}`,
    models: { header: ['model', ...usageColumns], rows: [...models.map((r) => [r.model ?? '', ...usageCells(r)]), ['total', ...usageCells(rep.total)]] },
    days: { header: ['day', 'model', ...usageColumns], rows: days.map((r) => [r.day ?? '', r.model ?? '', ...usageCells(r)]) },
    empty: (rep.total?.runs ?? 0) === 0,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function htmlTable(t: Table): string {
  const head = `<tr>${t.header.map((h, i) => `<th${i >= t.header.length - usageColumns.length ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i >= r.length - usageColumns.length ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The usage report as a self-contained HTML page for a webview (no scripts). */
export function usageHtml(rep: UsageReport, workspace: string, cspSource: string): string {
  const t = usageTables(rep);
  const parts = [
    `<h1>Claude usage · ${escapeHtml(workspace)}</h1>`,
    `<p>This month: <strong>${escapeHtml(t.month)}</strong> · all recorded: ${escapeHtml(t.total)}${rep.since ? ` since ${escapeHtml(rep.since)}` : ''}</p>`,
  ];
  if (t.empty) {
    parts.push('<p>No runs recorded in this workspace yet. Runs from the editor and from <code>claude-ls run</code> are recorded in <code>.claude-ls/</code> at the workspace root.</p>');
  } else {
    parts.push('<h2>By model</h2>', htmlTable(t.models), '<h2>By day (UTC)</h2>', htmlTable(t.days));
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Claude usage</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { padding: 0.25em 0.9em; border-bottom: 1px solid var(--vscode-panel-border, #8884); text-align: left; }
th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:last-child td { border-bottom: none; }
</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
