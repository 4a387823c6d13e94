import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CrashBudget, gaveUpMessage } from '../../src/restart';

test('a crashing server is restarted 4 times within 3 minutes, then given up on', () => {
  let now = 0;
  const b = new CrashBudget(4, 180_000, () => now);
  for (let i = 0; i < 4; i++) {
    now += 1000;
    assert.equal(b.recordCrash(), true, `crash ${i + 1}`);
  }
  now += 1000;
  assert.equal(b.recordCrash(), false);
  assert.match(gaveUpMessage(b), /stopped 5 times in 3 minutes.*Claude: Restart Server/);
});

test('crashes older than the window are forgotten', () => {
  let now = 0;
  const b = new CrashBudget(2, 60_000, () => now);
  assert.equal(b.recordCrash(), true);
  now += 30_000;
  assert.equal(b.recordCrash(), true);
  now += 40_000; // the first is now 70 s old
  assert.equal(b.recordCrash(), true);
  assert.equal(b.recent, 2);
});

test('a restart by the user resets the budget', () => {
  const b = new CrashBudget(1, 60_000, () => 0);
  assert.equal(b.recordCrash(), true);
  assert.equal(b.recordCrash(), false);
  b.reset();
  assert.equal(b.recordCrash(), true);
});
