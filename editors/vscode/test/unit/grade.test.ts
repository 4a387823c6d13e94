import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';

import { askGrade, gradeChoices, gradedMessage, gradeTitle, GradeQuestions, needsGrade, replyDocumentsPattern, withGrade } from '../../src/grade';

// A reply document's lens argument, as lsp/replydocs.go makes it.
const replyLens = { uri: 'file:///ws/.claude-ls/runs/tides-1.md', prompt: 'tides.prompt', test: '', model: 'claude-sonnet-4-6', run: '2026-12-03T14:05:06.123456789Z' };
// A test case's lens on a prompt's front matter (lsp/helpers.go).
const caseLens = { uri: 'file:///ws/tides.prompt', test: 'short', model: 'claude-haiku-4-5' };

/** Answers the two questions as given, and records what was asked. */
function answering(grade: number | undefined, note: string | undefined) {
  const asked: string[] = [];
  const q: GradeQuestions = {
    grade: async (title) => (asked.push(`grade: ${title}`), grade),
    note: async (title) => (asked.push(`note: ${title}`), note),
  };
  return { q, asked };
}

test('a lens without a grade is asked for; one with a grade, or no argument object, goes as it is', () => {
  assert.equal(needsGrade([replyLens]), true);
  assert.equal(needsGrade([caseLens]), true);
  assert.equal(needsGrade([{ ...caseLens, grade: 0 }]), true);
  assert.equal(needsGrade([{ ...caseLens, grade: 6 }]), true);
  assert.equal(needsGrade([{ ...caseLens, grade: 3 }]), false);
  assert.equal(needsGrade([]), false);
  assert.equal(needsGrade(['file:///ws/tides.prompt']), false);
  assert.equal(needsGrade([null]), false);
});

test('the grade and the note are added to the same argument object', () => {
  assert.deepEqual(withGrade([replyLens], 4, '  too long  '), [{ ...replyLens, grade: 4, note: 'too long' }]);
  assert.deepEqual(withGrade([caseLens, 'extra'], 1, undefined), [{ ...caseLens, grade: 1, note: '' }, 'extra']);
  assert.equal(replyLens.hasOwnProperty('grade'), false, 'the lens argument itself is not changed');
});

test('grade, then note: what is sent', async () => {
  const { q, asked } = answering(4, 'clear, a bit long');
  assert.deepEqual(await askGrade([replyLens], q), [{ ...replyLens, grade: 4, note: 'clear, a bit long' }]);
  assert.deepEqual(asked, ['grade: Grade the reply of claude-sonnet-4-6 (tides.prompt)', 'note: Grade the reply of claude-sonnet-4-6 (tides.prompt): 4/5']);
});

test('Escape on the note: the grade without a note; Escape on the grade: nothing, and no note asked', async () => {
  assert.deepEqual(await askGrade([caseLens], answering(2, undefined).q), [{ ...caseLens, grade: 2, note: '' }]);
  const dismissed = answering(undefined, 'never asked');
  assert.equal(await askGrade([caseLens], dismissed.q), undefined);
  assert.deepEqual(dismissed.asked, ['grade: Grade the reply of claude-haiku-4-5 to case "short"']);
});

test('the picks are 5 to 1, each with a word', () => {
  assert.deepEqual(
    gradeChoices.map((c) => c.grade),
    [5, 4, 3, 2, 1],
  );
  for (const c of gradeChoices) {
    assert.equal(c.label, String(c.grade));
    assert.match(c.description, /^[a-z]+$/);
  }
  assert.equal(gradeTitle([{}]), 'Grade the reply');
});

test("the server's answer, for the status bar", () => {
  // lsp/helpers.go answers {graded, grade, note, test, model, runTime, promptHash}.
  assert.equal(gradedMessage({ graded: true, grade: 4, note: '', test: 'default', model: 'claude-sonnet-4-6' }), 'Graded 4/5 · claude-sonnet-4-6');
  assert.equal(gradedMessage({ graded: true, grade: 5, note: 'spot on', model: 'claude-haiku-4-5' }), 'Graded 5/5 · claude-haiku-4-5 · note saved');
  assert.equal(gradedMessage({ graded: false }), undefined);
  assert.equal(gradedMessage(undefined), undefined);
  assert.equal(gradedMessage(null), undefined);
});

const matchesGlob = (path as { matchesGlob?: (p: string, g: string) => boolean }).matchesGlob;

test('the reply documents: result documents and reports, no other Markdown', { skip: matchesGlob ? false : 'path.matchesGlob needs Node 20.17' }, () => {
  const served = (p: string) => matchesGlob!(p, replyDocumentsPattern);
  assert.ok(served('/home/ann/ws/.claude-ls/runs/tides-20261203-140506.md'));
  assert.ok(served('/home/ann/ws/sub/.claude-ls/reports/tides-tests-20261203.md'));
  assert.ok(!served('/home/ann/ws/README.md'));
  assert.ok(!served('/home/ann/ws/runs/notes.md'));
  assert.ok(!served('/home/ann/ws/.claude-ls/notes.md'));
  assert.ok(!served('/home/ann/ws/.claude-ls/reports/tides-tests.html'));
  assert.ok(!served('/home/ann/ws/.claude-ls/runs/old/x.md'));
});
