import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compareArgs, generateTestsArgs, improveArgs, testCountProblem } from '../../src/helpers';

const uri = 'file:///ws/tides.prompt';

test('improve: the goal trimmed; none when left empty; nothing sent when the box is dismissed', () => {
  assert.deepEqual(improveArgs(uri, '  for a ten-year-old  '), { uri, goal: 'for a ten-year-old' });
  assert.deepEqual(improveArgs(uri, ''), { uri });
  assert.deepEqual(improveArgs(uri, '   '), { uri });
  assert.equal(improveArgs(uri, undefined), undefined);
});

test('generate tests: a whole number from 1 to the most the server takes', () => {
  const bounds = { default: 3, max: 50 }; // as the server's initialize says (lsp/lifecycle_test.go checks it)
  assert.equal(testCountProblem(String(bounds.default), bounds), undefined);
  assert.equal(testCountProblem(' 1 ', bounds), undefined);
  assert.equal(testCountProblem('50', bounds), undefined);
  for (const bad of ['', '0', '-2', '51', '2.5', '3 cases', 'three', '1e1']) {
    assert.equal(testCountProblem(bad, bounds), 'A whole number from 1 to 50.', JSON.stringify(bad));
  }
  assert.equal(testCountProblem('4', { default: 1, max: 3 }), 'A whole number from 1 to 3.');
  assert.deepEqual(generateTestsArgs(uri, ' 7 ', bounds), { uri, n: 7 });
  assert.deepEqual(generateTestsArgs(uri, '3', bounds), { uri, n: 3 });
  assert.equal(generateTestsArgs(uri, undefined, bounds), undefined);
  assert.equal(generateTestsArgs(uri, '0', bounds), undefined);
});

test('compare: the revision trimmed; empty leaves the server its HEAD; dismissed sends nothing', () => {
  assert.deepEqual(compareArgs(uri, 'HEAD'), { uri, rev: 'HEAD' });
  assert.deepEqual(compareArgs(uri, ' HEAD~2 '), { uri, rev: 'HEAD~2' });
  assert.deepEqual(compareArgs(uri, 'release/1.0'), { uri, rev: 'release/1.0' });
  assert.deepEqual(compareArgs(uri, ''), { uri });
  assert.equal(compareArgs(uri, undefined), undefined);
  assert.deepEqual(compareArgs(uri, 'HEAD@{yesterday}'), { uri, rev: 'HEAD@{yesterday}' });
});
