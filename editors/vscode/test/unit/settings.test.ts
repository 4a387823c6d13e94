import assert from 'node:assert/strict';
import { test } from 'node:test';

import { configChangeKind, decimalSetting, didChangeConfigurationParams, serverSettings } from '../../src/settings';

const settingsOf = (values: Record<string, unknown>) => serverSettings((k) => values[k]);

test('defaults: every key sent, empty amounts, info logging', () => {
  assert.deepEqual(settingsOf({}), {
    settings: { configPath: '', defaultModel: '', helperModel: '', monthlyBudgetUsd: '', confirmAboveUsd: '', exactCounts: false, logLevel: 'info' },
    problems: [],
  });
});

test('settings → initializationOptions as the server reads them', () => {
  const { settings, problems } = settingsOf({
    path: '/usr/local/bin/claude-ls', // the extension's own: not sent
    'trace.server': 'verbose',
    configPath: ' config/claude-ls.yaml ',
    defaultModel: 'claude-haiku-4-5',
    helperModel: ' claude-opus-4-7 ',
    monthlyBudgetUsd: '20',
    confirmAboveUsd: 0.5,
    exactCounts: true,
    logLevel: 'DEBUG',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, {
    configPath: 'config/claude-ls.yaml',
    defaultModel: 'claude-haiku-4-5',
    helperModel: 'claude-opus-4-7',
    monthlyBudgetUsd: '20',
    confirmAboveUsd: '0.5',
    exactCounts: true,
    logLevel: 'debug',
  });
  assert.deepEqual(didChangeConfigurationParams(settings), { settings: { 'claude-ls': settings } });
});

test('dollar amounts: decimals only, never a float surprise', () => {
  assert.deepEqual(decimalSetting('12.50'), { value: '12.50' });
  assert.deepEqual(decimalSetting('$3'), { value: '3' });
  assert.deepEqual(decimalSetting(' .25 '), { value: '.25' });
  assert.deepEqual(decimalSetting(0.0000001), { value: '0.0000001' });
  assert.deepEqual(decimalSetting(''), { value: '' });
  assert.deepEqual(decimalSetting(null), { value: '' });
  assert.ok(decimalSetting('-1').problem);
  assert.ok(decimalSetting('1,000').problem);
  assert.ok(decimalSetting('ten').problem);
  assert.ok(decimalSetting(-2).problem);
  assert.ok(decimalSetting(true).problem);
});

test('invalid values are reported and not sent', () => {
  const { settings, problems } = settingsOf({ monthlyBudgetUsd: 'lots', logLevel: 'loud' });
  assert.equal(settings.monthlyBudgetUsd, '');
  assert.equal(settings.logLevel, 'info');
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^claude-ls\.monthlyBudgetUsd: "lots" is not a dollar amount/);
  assert.match(problems[1], /^claude-ls\.logLevel: "loud"/);
  assert.equal(settingsOf({ logLevel: 'warning' }).settings.logLevel, 'warn');
  assert.equal(settingsOf({ exactCounts: 'yes' }).settings.exactCounts, false);
});

test('which configuration changes restart the server and which are sent', () => {
  const changed = (...keys: string[]) => (s: string) => keys.some((k) => k === s || k.startsWith(s + '.'));
  assert.equal(configChangeKind(changed('claude-ls.path')), 'restart');
  assert.equal(configChangeKind(changed('claude-ls.defaultModel')), 'settings');
  assert.equal(configChangeKind(changed('claude-ls.monthlyBudgetUsd')), 'settings');
  assert.equal(configChangeKind(changed('claude-ls.trace.server')), 'none'); // the client follows it itself
  assert.equal(configChangeKind(changed('editor.fontSize')), 'none');
});
