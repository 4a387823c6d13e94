import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Freshener, FreshenHost, showsFile } from '../../src/freshen';

/** An editor's document and its file on disk. */
interface Doc {
  name: string;
  text: string;
  dirty: boolean;
  file: string | undefined;
}

/** A host over docs whose reload reads the file, as VS Code does; reloads are recorded. */
function host(takes = true) {
  const reloads: string[] = [];
  const h: FreshenHost<Doc> = {
    key: (d) => d.name,
    text: (d) => d.text,
    isDirty: (d) => d.dirty,
    read: async (d) => d.file,
    reload: async (d, column) => {
      reloads.push(`${d.name}@${column}`);
      if (takes && !d.dirty && d.file !== undefined) {
        d.text = d.file;
      }
    },
  };
  return { h, reloads };
}

const header = '<!-- claude-ls run of tides.prompt with claude-sonnet-4-6 at 2026-12-03T14:00:00Z -->\n\n';
const finished = header + 'Tides are the slow rise and fall of the sea.\n\n---\n<!-- claude-ls reply tides.prompt 2026-12-03T14:00:00Z -->\n';

test('a result document that kept its first lines reads the finished file', async () => {
  const { h, reloads } = host();
  const doc: Doc = { name: 'runs/tides-1.md', text: header, dirty: false, file: finished };
  const f = new Freshener(h);
  assert.deepEqual(await f.freshen([{ doc, column: 2 }]), [doc]);
  assert.deepEqual(reloads, ['runs/tides-1.md@2']);
  assert.equal(doc.text, finished);
  // Shown as it is on disk now: nothing more to do.
  assert.deepEqual(await f.freshen([{ doc, column: 2 }]), []);
  assert.deepEqual(reloads, ['runs/tides-1.md@2']);
});

test('left alone: unsaved changes, a file as shown (line ends aside), a file gone', async () => {
  const { h, reloads } = host();
  const docs: Doc[] = [
    { name: 'dirty', text: header + 'my note', dirty: true, file: finished },
    { name: 'same', text: finished.replace(/\n/g, '\r\n'), dirty: false, file: finished },
    { name: 'gone', text: header, dirty: false, file: undefined },
  ];
  assert.deepEqual(await new Freshener(h).freshen(docs.map((doc) => ({ doc, column: 1 }))), []);
  assert.deepEqual(reloads, []);
  assert.equal(docs[0].text, header + 'my note');
});

test('a change typed while the file is read is kept', async () => {
  const { h, reloads } = host();
  const doc: Doc = { name: 'typing', text: header, dirty: false, file: finished };
  h.read = async (d) => {
    d.dirty = true; // the user typed meanwhile
    return d.file;
  };
  assert.deepEqual(await new Freshener(h).freshen([{ doc, column: 1 }]), []);
  assert.deepEqual(reloads, []);
});

test('one reload at a time per document, and one try per version of the file', async () => {
  const { h, reloads } = host(false); // an editor that does not take the reload
  const doc: Doc = { name: 'stuck', text: header, dirty: false, file: finished };
  const f = new Freshener(h);
  await Promise.all([f.freshen([{ doc, column: 1 }]), f.freshen([{ doc, column: 1 }])]);
  assert.deepEqual(reloads, ['stuck@1']);
  await f.freshen([{ doc, column: 1 }]); // the same file: not tried again
  assert.deepEqual(reloads, ['stuck@1']);
  doc.file = finished + 'more\n'; // the file changed: tried again
  await f.freshen([{ doc, column: 1 }]);
  assert.deepEqual(reloads, ['stuck@1', 'stuck@1']);
});

test('showsFile compares text, line ends aside', () => {
  assert.equal(showsFile('a\r\nb', 'a\nb'), true);
  assert.equal(showsFile('a\nb', 'a\nb\n'), false);
});
