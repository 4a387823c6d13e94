// Drives VS Code (code-server) in headless Chromium as a user would, and
// writes what it saw to $REPORT as JSON; e2e_test.go asserts on it. Every
// wait is bounded; a wait that runs out is recorded (report.timeouts) and
// the drive goes on, so one failure shows all the others.
//
// Inputs (environment): URL (code-server, with ?folder=), PROMPT (the file
// name to open), REPLY (the fake API's reply text), REPORT (the JSON to
// write), SHOT (a screenshot with the Problems panel open, for docs/images/vscode.png),
// NODE_MODULES (where puppeteer-core is), CHROMIUM, GRADE_NOTE (the note
// typed when grading the reply 4/5), IMPROVE_GOAL (typed into Claude: Improve
// Prompt…'s box), IMPROVED_ASK (a line of the improved prompt the fake API
// answers).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const require = createRequire(env('NODE_MODULES') + '/');
const puppeteer = require('puppeteer-core');

const WAIT = 30_000;
const report = { steps: [], timeouts: [], console: [] };
const started = Date.now();
const step = (name) => {
  const at = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  report.steps.push(`${name} (at ${at})`);
  console.log(`step: ${name} (at ${at})`);
};

// Waits for fn (run in the page) to return a truthy value; null after ms.
async function until(page, what, fn, arg, ms = WAIT) {
  try {
    const h = await page.waitForFunction(fn, { timeout: ms, polling: 100 }, arg);
    return await h.jsonValue();
  } catch (err) {
    report.timeouts.push(`${what}: ${String(err.message).split('\n')[0]}`);
    // What the screen showed then, beside the report.
    await page.screenshot({ path: `${env('REPORT')}.timeout-${report.timeouts.length}.png` }).catch(() => {});
    return null;
  }
}

// The quick input box, once shown and holding value.
const quickInput = (value) => {
  const w = document.querySelector('.quick-input-widget');
  const input = w && w.querySelector('input');
  return !!(input && w.style.display !== 'none' && input.value === value);
};

async function palette(page, command) {
  await page.keyboard.press('F1');
  await until(page, 'the command palette', quickInput, '>');
  await page.keyboard.type(command, { delay: 5 });
  // A busy page can drop a key: type it again if so.
  if (!(await until(page, `"${command}" typed`, quickInput, '>' + command, 3_000))) {
    report.timeouts.pop();
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('>' + command, { delay: 10 });
  }
  const found = await until(
    page,
    `"${command}" in the palette`,
    (c) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent.includes(c)),
    command,
  );
  await page.keyboard.press('Enter');
  return found;
}

// Opens a workspace file by name through Quick Open (the palette without ">").
async function quickOpen(page, name) {
  await page.keyboard.press('F1');
  await until(page, 'the command palette', quickInput, '>');
  await page.keyboard.press('Backspace');
  await until(page, 'quick open', quickInput, '');
  await page.keyboard.type(name, { delay: 5 });
  await until(page, `${name} in quick open`, (p) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent.includes(p)), name);
  await page.keyboard.press('Enter');
}

// Chromium can take long to start while go test builds other packages on
// two cores: the launch waits up to two minutes, not puppeteer's 30 s.
const browser = await puppeteer.launch({
  executablePath: env('CHROMIUM'),
  headless: true,
  timeout: 120_000,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--window-size=1400,900',
  ],
  defaultViewport: { width: 1400, height: 900 },
  protocolTimeout: 60_000,
});
const deadline = setTimeout(() => {
  report.timeouts.push('the whole drive: 240 s');
  writeFileSync(env('REPORT'), JSON.stringify(report, null, 2));
  process.exit(2);
}, 240_000);

try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && report.console.length < 50) report.console.push(m.text());
  });

  step('open VS Code');
  await page.goto(env('URL'), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  report.workbench = !!(await until(page, 'the workbench', () => document.querySelector('.monaco-workbench .part.editor'), null, 90_000));

  step('open the prompt');
  const prompt = env('PROMPT');
  await quickOpen(page, prompt);
  report.opened = await until(page, 'the prompt in an editor', () => {
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')].map((l) => l.textContent);
    return lines.some((l) => l.includes('max_tokens')) ? lines.length : 0;
  });
  report.language = await until(page, 'the language in the status bar', () => {
    const el = document.querySelector('#status\\.editor\\.mode');
    return el && el.textContent.trim();
  });

  step('colours');
  // The role line and the front matter key take colours of their own: the
  // grammar (and the server's semantic tokens) at work.
  report.colors = await until(page, 'coloured tokens', () => {
    const out = {};
    for (const span of document.querySelectorAll('.editor-instance .view-line span span')) {
      const t = span.textContent.replace(/\u00a0/g, ' ').trim();
      if (t && !(t in out)) out[t] = getComputedStyle(span).color;
    }
    return Object.keys(out).length > 5 && new Set(Object.values(out)).size >= 3 ? out : null;
  });

  step('inlay hints');
  report.lines = await until(page, 'inlay hints of tokens and cost', () => {
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => l.textContent.replace(/\u00a0/g, ' '));
    return lines.some((l) => /\btok\b/.test(l)) ? lines : null;
  });

  step('code lens');
  report.codelens = await until(page, 'the code lens', () => {
    const t = [...document.querySelectorAll('.codelens-decoration')].map((d) => d.textContent.replace(/\u00a0/g, ' ')).join(' | ');
    return /\btok\b/.test(t) ? t : null;
  });

  step('status bar');
  report.status = await until(page, 'the cost in the status bar', () => {
    const items = [...document.querySelectorAll('.statusbar-item')].map((i) => i.textContent.trim());
    return items.find((t) => /\btok\b/.test(t) && /\$/.test(t)) || null;
  });

  step('squiggles');
  report.squiggles = await until(page, 'a warning squiggle', () => document.querySelectorAll('.squiggly-warning').length);

  step('hover');
  // A hover asked while the page is busy can stay empty or never come: move
  // away and back to the model's name (found again: the layout may have
  // moved), a few times within the usual bound.
  const modelBox = () =>
    page.evaluate(() => {
      for (const span of document.querySelectorAll('.editor-instance .view-line span span')) {
        if (span.textContent.includes('claude-sonnet-4-6')) {
          const r = span.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
      }
      return null;
    });
  const tries = 5;
  for (let i = 1; i <= tries && !report.hover; i++) {
    const box = await modelBox();
    if (!box) {
      report.timeouts.push('hover: the model name is not on screen');
      break;
    }
    await page.mouse.move(box.x - 40, box.y + 40);
    await page.mouse.move(box.x, box.y, { steps: 5 });
    report.hover = await until(
      page,
      'the hover',
      () => {
        const h = document.querySelector('.monaco-hover:not(.hidden)');
        return h && h.textContent.includes('Price') ? h.textContent : null;
      },
      null,
      WAIT / tries,
    );
    if (!report.hover && i < tries) {
      report.timeouts.pop(); // tried again below
    }
  }
  await page.mouse.move(5, 400);

  step('problems');
  await palette(page, 'View: Focus Problems');
  report.problems = await until(page, 'the Problems panel', () => {
    const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((r) => r.textContent);
    return rows.some((r) => r.includes('colour')) ? rows : null;
  });
  // The picture of the README (docs/images/vscode.png): hints, lens,
  // squiggle, status bar and the Problems panel.
  await until(page, 'the hover to close', () => !document.querySelector('.monaco-hover:not(.hidden)'), null, 5_000);
  await page.screenshot({ path: env('SHOT') });

  step('server output');
  // The extension says which claude-ls it started (its commands are offered
  // while a prompt is the active editor).
  await palette(page, 'Claude: Show Server Output');
  report.output = await until(page, 'the server output', () => {
    // Long lines wrap: the panel's text without its line breaks.
    const text = (document.querySelector('.part.panel')?.innerText || '').replace(/\n/g, '').replace(/\u00a0/g, ' ');
    const at = text.indexOf('] starting ');
    return at >= 0 && text.includes(' serve (found in', at) ? text.slice(at, text.indexOf(')', at) + 1) : null;
  });

  step('run');
  // Back to the prompt, then its "▶ Run" lens (the extension gives the run
  // its progress, as for Claude: Run Prompt); the result file opens.
  await palette(page, 'View: Focus Active Editor Group');
  const runAt = await until(page, 'the Run lens', () => {
    const a = [...document.querySelectorAll('.editor-instance .codelens-decoration a')].find((l) => l.textContent.includes('▶ Run'));
    const r = a && a.getBoundingClientRect();
    return r && r.width > 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
  });
  if (runAt) {
    await page.mouse.click(runAt.x, runAt.y);
  }
  // The result document opens; the reply is written into the file (which
  // VS Code does not watch here, see e2e_test.go).
  report.result = await until(page, 'the result document', () => {
    const tab = document.querySelector('.tabs-container .tab.active');
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')].map((l) => l.textContent.replace(/\u00a0/g, ' '));
    return tab && /\.md/.test(tab.textContent) && lines.some((l) => l.includes('claude-ls run of')) ? { tab: tab.getAttribute('aria-label') || tab.textContent, lines } : null;
  });
  report.finished = await until(page, 'the run to end (status bar)', () => {
    const items = [...document.querySelectorAll('.statusbar-item')].map((i) => i.textContent.trim());
    return items.find((t) => /end_turn/.test(t)) || null;
  });

  step('grade');
  // The extension makes the result document show the finished file: the
  // reply, and the mark below it that the grade lens stands on (ctrl+end
  // shows the end).
  report.resultShown = await until(page, 'the reply in the result document', (reply) => {
    const text = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')].map((l) => l.textContent.replace(/\u00a0/g, ' ')).join(' ');
    return text.includes(reply.split(' ').slice(0, 6).join(' ')) && text.includes('claude-ls reply') ? text : null;
  }, env('REPLY'));
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  const lensAt = await until(page, 'the grade lens in the result document', () => {
    const a = [...document.querySelectorAll('.editor-instance .codelens-decoration a')].find((l) => l.textContent.includes('Grade this reply'));
    const r = a && a.getBoundingClientRect();
    return r && r.width > 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
  });
  if (lensAt) {
    await page.mouse.click(lensAt.x, lensAt.y);
    // The extension asks the grade (a pick of 5 to 1), then a note.
    report.gradePicks = await until(page, 'the grade pick', () => {
      const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')].map((r) => r.textContent);
      return rows.length === 5 && rows[0].includes('excellent') ? rows : null;
    });
    await page.keyboard.type('4', { delay: 5 });
    await until(page, '4 picked', () => {
      const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')].map((r) => r.textContent);
      return rows.length === 1 && rows[0].includes('good');
    });
    await page.keyboard.press('Enter');
    await until(page, 'the note box', () => {
      const w = document.querySelector('.quick-input-widget');
      return !!(w && w.style.display !== 'none' && w.textContent.includes('4/5') && w.querySelector('input')?.value === '');
    });
    const note = env('GRADE_NOTE');
    await page.keyboard.type(note, { delay: 5 });
    // A busy page can drop a key: type it again if so.
    if (!(await until(page, 'the note typed', quickInput, note, 3_000))) {
      report.timeouts.pop();
      await page.keyboard.down('Control');
      await page.keyboard.press('a');
      await page.keyboard.up('Control');
      await page.keyboard.type(note, { delay: 10 });
      await until(page, 'the note typed again', quickInput, note, 5_000);
    }
    await page.keyboard.press('Enter');
    report.graded = await until(page, '"Graded 4/5" in the status bar', () => {
      const items = [...document.querySelectorAll('.statusbar-item')].map((i) => i.textContent.trim());
      return items.find((t) => t.includes('Graded 4/5')) || null;
    });
    // The server refreshes the lenses: this one now shows the grade.
    report.gradeLens = await until(page, 'the lens to show the grade', () => {
      const t = [...document.querySelectorAll('.editor-instance .codelens-decoration')].map((d) => d.textContent.replace(/\u00a0/g, ' ')).join(' | ');
      return /Graded 4\/5/.test(t) ? t : null;
    });
  }

  step('improve');
  // Claude: Improve Prompt… with a goal: the rewrite comes as an edit that
  // needs confirmation, so VS Code opens its refactor preview; Apply, then
  // save.
  await palette(page, 'View: Open Previous Editor');
  await until(page, 'the prompt again', () => /\.prompt/.test(document.querySelector('.tabs-container .tab.active')?.textContent || ''));
  await palette(page, 'Claude: Improve Prompt…');
  await until(page, 'the goal box', () => {
    const w = document.querySelector('.quick-input-widget');
    return !!(w && w.style.display !== 'none' && w.textContent.includes('Improve tides.prompt') && w.querySelector('input')?.value === '');
  });
  const goal = env('IMPROVE_GOAL');
  await page.keyboard.type(goal, { delay: 5 });
  if (!(await until(page, 'the goal typed', quickInput, goal, 3_000))) {
    report.timeouts.pop();
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type(goal, { delay: 10 });
    await until(page, 'the goal typed again', quickInput, goal, 5_000);
  }
  await page.keyboard.press('Enter');
  report.refactorPreview = await until(page, 'the refactor preview', () => {
    const panel = document.querySelector('.bulk-edit-panel');
    const apply = panel && [...panel.querySelectorAll('.monaco-button')].find((b) => b.textContent.trim() === 'Apply');
    return apply && apply.getBoundingClientRect().width > 0 ? panel.innerText.replace(/\n+/g, ' | ') : null;
  });
  // Changes that need confirmation come unchecked: the file's box checks
  // them all, then Apply.
  const at = (selector) => page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const r = el && el.getBoundingClientRect();
    return r && r.width > 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
  }, selector);
  const boxAt = report.refactorPreview && (await at('.bulk-edit-panel .monaco-list-row .edit-checkbox'));
  if (boxAt) {
    await page.mouse.click(boxAt.x, boxAt.y);
    report.checked = await until(page, 'every change checked', () => {
      const boxes = [...document.querySelectorAll('.bulk-edit-panel .edit-checkbox')];
      return boxes.length >= 2 && boxes.every((b) => b.classList.contains('checked')) ? boxes.length : null;
    });
    const applyAt = await page.evaluate(() => {
      const b = [...document.querySelectorAll('.bulk-edit-panel .monaco-button')].find((b) => b.textContent.trim() === 'Apply');
      const r = b && b.getBoundingClientRect();
      return r && r.width > 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
    });
    if (applyAt) {
      await page.mouse.click(applyAt.x, applyAt.y);
    }
  }
  // The server's last word on it: "improved by …", or why not.
  report.improvedEnd = await until(page, 'the end of the improve in the status bar', () => {
    const items = [...document.querySelectorAll('.statusbar-item')].map((i) => i.textContent.trim());
    return items.find((t) => t.includes('tides.prompt:')) || null;
  });
  // The notifications then, for a failure's report (a refused edit says why there).
  report.notifications = await page.evaluate(() => [...document.querySelectorAll('.notification-list-item-message')].map((n) => n.textContent));
  report.improved = await until(page, 'the improved prompt in the editor', (ask) => {
    const tab = document.querySelector('.tabs-container .tab.active');
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')].map((l) => l.textContent.replace(/\u00a0/g, ' '));
    return tab && /\.prompt/.test(tab.textContent) && lines.some((l) => l.includes(ask)) ? lines : null;
  }, env('IMPROVED_ASK'));
  await palette(page, 'File: Save');
  report.saved = !!(await until(page, 'the prompt saved', () => {
    const tab = document.querySelector('.tabs-container .tab.active');
    return tab && /\.prompt/.test(tab.textContent) && !tab.classList.contains('dirty');
  }));

  step('export');
  // The improved prompt is still the active editor: focus it.
  await palette(page, 'View: Focus Active Editor Group');
  // The languages come from the server (initialize's exportLanguages).
  await palette(page, 'Claude: Export as…');
  report.exportLanguages = await until(page, 'the server\'s export languages', () => {
    const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')].map((r) => r.textContent);
    return rows.some((r) => r.includes('JavaScript')) && rows.some((r) => r.includes('Python')) ? rows : null;
  });
  await page.keyboard.type('Python', { delay: 5 });
  await until(page, 'Python picked', () => {
    const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')].map((r) => r.textContent);
    return rows.length > 0 && rows[0].includes('Python') ? true : null;
  });
  await page.keyboard.press('Enter');
  report.exported = await until(page, 'the Python export', () => {
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')].map((l) => l.textContent.replace(/\u00a0/g, ' '));
    const text = lines.join('\n');
    return /import anthropic/.test(text) ? { tab: document.querySelector('.tabs-container .tab.active')?.textContent, text } : null;
  });
  report.tabs = await page.evaluate(() => [...document.querySelectorAll('.tabs-container .tab')].map((t) => t.textContent.trim()));


  step('done');
} catch (err) {
  report.error = String(err && err.stack ? err.stack : err);
} finally {
  clearTimeout(deadline);
  writeFileSync(env('REPORT'), JSON.stringify(report, null, 2));
  await browser.close().catch(() => {});
}
