// The server's settings from the claude-ls.* configuration: sent as
// initializationOptions at start and as workspace/didChangeConfiguration
// when they change (lsp/settings.go reads them flat or under "claude-ls").

/** The settings the server reads; amounts are decimal strings of dollars. */
export interface ServerSettings {
  configPath: string;
  defaultModel: string;
  helperModel: string;
  monthlyBudgetUsd: string;
  confirmAboveUsd: string;
  exactCounts: boolean;
  logLevel: string;
}

/** The keys of the claude-ls.* configuration that go to the server. */
export const serverKeys: (keyof ServerSettings)[] = ['configPath', 'defaultModel', 'helperModel', 'monthlyBudgetUsd', 'confirmAboveUsd', 'exactCounts', 'logLevel'];

const logLevels = ['debug', 'info', 'warn', 'error'];

/**
 * A dollar amount as the server parses it (promptfile.ParseUSD): a plain
 * decimal with at most 12 decimals. A number from settings.json becomes its
 * decimal text; "" means unset.
 */
export function decimalSetting(v: unknown): { value: string; problem?: string } {
  if (v === undefined || v === null || v === '') {
    return { value: '' };
  }
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) {
      return { value: '', problem: `${v} is not a dollar amount` };
    }
    s = String(v);
    if (/e/i.test(s)) {
      s = v.toFixed(12).replace(/\.?0+$/, '');
    }
  } else if (typeof v === 'string') {
    s = v.trim().replace(/^\$/, '');
  } else {
    return { value: '', problem: 'expected a dollar amount such as "20" or "0.50"' };
  }
  if (s === '') {
    return { value: '' };
  }
  if (!/^(\d+(\.\d{1,12})?|\.\d{1,12})$/.test(s)) {
    return { value: '', problem: `"${String(v)}" is not a dollar amount such as "20" or "0.50"` };
  }
  return { value: s };
}

/**
 * Reads the server settings through get (which answers a claude-ls.* key)
 * and says what was wrong with them, so nothing invalid reaches the server.
 */
export function serverSettings(get: (key: string) => unknown): { settings: ServerSettings; problems: string[] } {
  const problems: string[] = [];
  const str = (key: string): string => {
    const v = get(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  const money = (key: string): string => {
    const r = decimalSetting(get(key));
    if (r.problem) {
      problems.push(`claude-ls.${key}: ${r.problem}; ignored`);
    }
    return r.value;
  };
  const configPath = str('configPath');
  const defaultModel = str('defaultModel');
  const helperModel = str('helperModel');
  const monthlyBudgetUsd = money('monthlyBudgetUsd');
  const confirmAboveUsd = money('confirmAboveUsd');
  const exactCounts = get('exactCounts') === true;
  let logLevel = str('logLevel').toLowerCase() || 'info';
  if (logLevel === 'warning') {
    logLevel = 'warn';
  }
  if (!logLevels.includes(logLevel)) {
    problems.push(`claude-ls.logLevel: "${logLevel}" is not one of ${logLevels.join(', ')}; using info`);
    logLevel = 'info';
  }
  return { settings: { configPath, defaultModel, helperModel, monthlyBudgetUsd, confirmAboveUsd, exactCounts, logLevel }, problems };
}

/** The workspace/didChangeConfiguration parameters for new settings. */
export function didChangeConfigurationParams(settings: ServerSettings): { settings: { 'claude-ls': ServerSettings } } {
  return { settings: { 'claude-ls': settings } };
}

/** Whether a configuration change needs a restart (a new binary) or just new settings. */
export function configChangeKind(affects: (section: string) => boolean): 'restart' | 'settings' | 'none' {
  if (affects('claude-ls.path')) {
    return 'restart';
  }
  if (serverKeys.some((k) => affects(`claude-ls.${k}`))) {
    return 'settings';
  }
  return 'none';
}
