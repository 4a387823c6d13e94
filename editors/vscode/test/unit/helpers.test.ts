import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { compareArgs, defaultTestCount, generateTestsArgs, improveArgs, maxTestCount, revisionProblem, testCountProblem } from '../../src/helpers';

const uri = 'file:///ws/tides.prompt';

test('improve: the goal trimmed; none when left empty; nothing sent when the box is dismissed', () => {
  assert.deepEqual(improveArgs(uri, '  for a ten-year-old  '), { uri, goal: 'for a ten-year-old' });
  assert.deepEqual(improveArgs(uri, ''), { uri });
  assert.deepEqual(improveArgs(uri, '   '), { uri });
  assert.equal(improveArgs(uri, undefined), undefined);
});

test('generate tests: a whole number from 1 to the most the CLI takes', () => {
  assert.equal(testCountProblem(String(defaultTestCount)), undefined);
  assert.equal(testCountProblem(' 1 '), undefined);
  assert.equal(testCountProblem(String(maxTestCount)), undefined);
  for (const bad of ['', '0', '-2', String(maxTestCount + 1), '2.5', '3 cases', 'three', '1e1']) {
    assert.equal(testCountProblem(bad), `A whole number from 1 to ${maxTestCount}.`, JSON.stringify(bad));
  }
  assert.deepEqual(generateTestsArgs(uri, ' 7 '), { uri, n: 7 });
  assert.deepEqual(generateTestsArgs(uri, String(defaultTestCount)), { uri, n: 3 });
  assert.equal(generateTestsArgs(uri, undefined), undefined);
  assert.equal(generateTestsArgs(uri, '0'), undefined);
});

test("the most test cases is the CLI's -n limit (cmd/claude-ls/testsgen.go)", () => {
  const go = readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'cmd', 'claude-ls', 'testsgen.go'), 'utf8');
  assert.match(go, new RegExp(`-n is 1 to ${maxTestCount}\\b`));
});

test('compare: the revision trimmed; empty leaves the server its HEAD; an option-like one refused; dismissed sends nothing', () => {
  assert.deepEqual(compareArgs(uri, 'HEAD'), { uri, rev: 'HEAD' });
  assert.deepEqual(compareArgs(uri, ' HEAD~2 '), { uri, rev: 'HEAD~2' });
  assert.deepEqual(compareArgs(uri, 'release/1.0'), { uri, rev: 'release/1.0' });
  assert.deepEqual(compareArgs(uri, ''), { uri });
  assert.equal(compareArgs(uri, undefined), undefined);
  assert.equal(revisionProblem('HEAD@{yesterday}'), undefined);
  assert.match(revisionProblem('--output=/tmp/x') ?? '', /does not start with "-"/);
  assert.equal(compareArgs(uri, ' -p'), undefined);
});
