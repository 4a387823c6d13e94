import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  breakdownItems,
  breakdownTitle,
  costText,
  formatPico,
  formatUsd,
  groupDigits,
  parseUsd,
  statusText,
  statusTooltip,
  Summary,
  UsageReport,
  usageHtml,
  usageTables,
} from '../../src/format';

// The summary of examples/contract-review.prompt, as the server answers it.
const contract: Summary = {
  version: 3,
  model: 'claude-sonnet-4-6',
  modelKnown: true,
  calibrated: false,
  inputTokens: 2305,
  inputUsd: '0.006915',
  outputMaxUsd: '0.03072',
  maxTokens: 2048,
  errors: 0,
  blocks: [
    { role: 'system', line: 12, tokens: 1221, inputUsd: '0.003663', cache: 'cache=1h' },
    { role: 'user', line: 93, tokens: 1032, inputUsd: '0.003096', cache: 'cache' },
    { role: 'assistant', line: 101, tokens: 34, inputUsd: '0.000102' },
    { role: 'user', line: 105, tokens: 18, inputUsd: '0.000054' },
  ],
};

test('formatPico matches promptfile.USD.String', () => {
  // The cases of promptfile/money_test.go TestMoneyString.
  const dollars = (d: bigint) => d * 10n ** 12n;
  const cases: [bigint, string][] = [
    [0n, '$0'],
    [dollars(12n) + 340_000_000_000n, '$12.34'],
    [dollars(1n), '$1.00'],
    [dollars(12n) + 345_000_000_000n, '$12.35'],
    [dollars(12n) + 344_999_999_999n, '$12.34'],
    [120_000_000_000n, '$0.1200'],
    [3_700_000_000n, '$0.0037'],
    [3_000_000n, '$0.000003'],
    [3_456_700n, '$0.0000035'],
    [123_450_000n, '$0.00012'],
    [370_000_000n, '$0.00037'],
    [999_000_000n, '$0.0010'],
    [999_990_000_000n, '$1.00'],
    [1n, '$0.000000000001'],
    [-3_700_000_000n, '-$0.0037'],
    [-dollars(2n), '-$2.00'],
    [9223372036854775807n, '$9223372.04'],
  ];
  for (const [pico, want] of cases) {
    assert.equal(formatPico(pico), want, `formatPico(${pico})`);
  }
});

test('parseUsd reads the decimal strings the server writes', () => {
  assert.equal(parseUsd('0.006915'), 6_915_000_000n);
  assert.equal(parseUsd('3'), 3_000_000_000_000n);
  assert.equal(parseUsd('.5'), 500_000_000_000n);
  assert.equal(parseUsd('$1.25'), 1_250_000_000_000n);
  assert.equal(parseUsd('0.000000000001'), 1n);
  assert.equal(parseUsd(''), undefined);
  assert.equal(parseUsd('abc'), undefined);
  assert.equal(parseUsd('1e-3'), undefined);
  assert.equal(formatUsd('0.006915'), '$0.0069');
  assert.equal(formatUsd('0.03072'), '$0.0307');
  assert.equal(formatUsd(undefined), undefined);
});

test('groupDigits', () => {
  assert.equal(groupDigits(0), '0');
  assert.equal(groupDigits(999), '999');
  assert.equal(groupDigits(2305), '2,305');
  assert.equal(groupDigits(1234567), '1,234,567');
  assert.equal(groupDigits(-1000), '-1,000');
});

test('status text: approximate tokens and cost', () => {
  assert.equal(statusText(contract), '$(sparkle) claude-sonnet-4-6 · ≈ 2,305 tok · $0.0069');
});

test('status text: the exact count drops ≈ and prices the exact tokens', () => {
  const s = { ...contract, exactTokens: 2291 };
  // 2,291 tokens at $3/MTok = $0.006873.
  assert.equal(statusText(s), '$(sparkle) claude-sonnet-4-6 · 2,291 tok · $0.0069');
  assert.equal(costText({ ...contract, exactTokens: 1000 }), '$0.0030');
  assert.match(statusTooltip(s), /2,291 tokens \(exact, counted by the API; estimate ≈ 2,305\)/);
});

test('status text: errors, unknown and missing models', () => {
  assert.equal(statusText({ ...contract, errors: 2 }), '$(sparkle) claude-sonnet-4-6 · ≈ 2,305 tok · $0.0069 · $(error) 2');
  const unknown: Summary = { ...contract, model: 'claude-future-9', modelKnown: false, inputUsd: undefined, outputMaxUsd: undefined };
  assert.equal(statusText(unknown), '$(sparkle) claude-future-9 · ≈ 2,305 tok · no prices (unknown model)');
  const none: Summary = { ...unknown, model: '' };
  assert.equal(statusText(none), '$(sparkle) no model · ≈ 2,305 tok · no prices');
  assert.match(statusTooltip(none), /No model/);
});

test('status tooltip lists input, cost, output bound and the click', () => {
  const tip = statusTooltip({ ...contract, calibrated: true, errors: 1 });
  assert.equal(
    tip,
    [
      '**claude-sonnet-4-6**',
      'Input: ≈ 2,305 tokens (offline estimate, calibrated on exact counts)',
      'Input cost: $0.0069',
      'Output: up to $0.0307 (max_tokens 2,048)',
      '1 error: see the Problems panel',
      '',
      'Click for the tokens of each block.',
    ].join('  \n'),
  );
});

test('status tooltip shows the rate-limit headroom the server knows', () => {
  const limitsText = 'rate limits left: requests 49 of 50, input tokens 29,000 of 30,000 (full again by 10:31:05 UTC)';
  assert.match(statusTooltip({ ...contract, limitsText }), /Rate limits left: requests 49 of 50, input tokens 29,000 of 30,000 \(full again by 10:31:05 UTC\)  \n  \nClick/);
  assert.doesNotMatch(statusTooltip(contract), /Rate limits/);
});

test('breakdown items: one per block, with cache, share, cost and line', () => {
  assert.deepEqual(breakdownItems(contract), [
    { label: '$(gear) system  cache=1h', description: '≈ 1,221 tok · 53% · $0.0037', detail: 'line 13', line: 12 },
    { label: '$(account) user  cache', description: '≈ 1,032 tok · 45% · $0.0031', detail: 'line 94', line: 93 },
    { label: '$(hubot) assistant', description: '≈ 34 tok · 1% · $0.0001', detail: 'line 102', line: 101 },
    { label: '$(account) user', description: '≈ 18 tok · 1% · $0.000054', detail: 'line 106', line: 105 },
  ]);
  assert.equal(breakdownTitle(contract), 'claude-sonnet-4-6 · ≈ 2,305 tok · $0.0069 · out ≤ $0.0307');
});

test('breakdown items: no prices for an unknown model, no share for empty blocks', () => {
  const s: Summary = {
    ...contract,
    modelKnown: false,
    inputUsd: undefined,
    blocks: [{ role: 'user', line: 0, tokens: 0 }],
  };
  assert.deepEqual(breakdownItems(s), [{ label: '$(account) user', description: '≈ 0 tok', detail: 'line 1', line: 0 }]);
  assert.deepEqual(breakdownItems({ ...contract, blocks: [] }), []);
});

const usage: UsageReport = {
  days: [
    { day: '2026-11-24', model: 'claude-haiku-4-5', runs: 3, usage: { input_tokens: 900, output_tokens: 30, cache_write_tokens: 0, cache_read_tokens: 0 }, cost_usd: '0.00105' },
    { day: '2026-11-25', model: 'claude-sonnet-4-6', runs: 1, usage: { input_tokens: 2305, output_tokens: 512, cache_write_tokens: 2253, cache_read_tokens: 0 }, cost_usd: '0.022 ' },
  ],
  models: [
    { day: '', model: 'claude-haiku-4-5', runs: 3, usage: { input_tokens: 900, output_tokens: 30, cache_write_tokens: 0, cache_read_tokens: 0 }, cost_usd: '0.00105' },
    { day: '', model: 'claude-sonnet-4-6', runs: 1, usage: { input_tokens: 2305, output_tokens: 512, cache_write_tokens: 2253, cache_read_tokens: 0 }, cost_usd: '0.022' },
  ],
  total: { day: '', model: '', runs: 4, usage: { input_tokens: 3205, output_tokens: 542, cache_write_tokens: 2253, cache_read_tokens: 0 }, cost_usd: '0.02305' },
  month_usd: '0.02305',
};

test('usage tables: by model with a total, by day newest first', () => {
  const t = usageTables(usage);
  assert.equal(t.month, '$0.0231');
  assert.equal(t.total, '4 runs, $0.0231');
  assert.deepEqual(t.models.header, ['model', 'runs', 'input', 'output', 'cache write', 'cache read', 'cost']);
  assert.deepEqual(t.models.rows, [
    ['claude-haiku-4-5', '3', '900', '30', '0', '0', '$0.0011'],
    ['claude-sonnet-4-6', '1', '2,305', '512', '2,253', '0', '$0.0220'],
    ['total', '4', '3,205', '542', '2,253', '0', '$0.0231'],
  ]);
  assert.deepEqual(
    t.days.rows.map((r) => r.slice(0, 2)),
    [
      ['2026-11-25', 'claude-sonnet-4-6'],
      ['2026-11-24', 'claude-haiku-4-5'],
    ],
  );
  assert.equal(t.empty, false);
});

test('usage of a workspace without runs (null lists from the server)', () => {
  const empty: UsageReport = {
    days: null,
    models: null,
    total: { runs: 0, usage: { input_tokens: 0, output_tokens: 0, cache_write_tokens: 0, cache_read_tokens: 0 }, cost_usd: '0' },
    month_usd: '0',
  };
  const t = usageTables(empty);
  assert.equal(t.empty, true);
  assert.equal(t.month, '$0');
  const html = usageHtml(empty, 'ws', 'vscode-resource:');
  assert.match(html, /No runs recorded in this workspace yet/);
  assert.doesNotMatch(html, /<table>/);
});

test('usage HTML escapes what it shows and allows no scripts', () => {
  const html = usageHtml({ ...usage, models: [{ ...usage.models![0], model: '<script>x</script>' }] }, 'a&b', 'vscode-webview://x');
  assert.match(html, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(html, /Claude usage · a&amp;b/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /default-src 'none'; style-src vscode-webview:\/\/x 'unsafe-inline';/);
  assert.equal((html.match(/<table>/g) ?? []).length, 2);
});
