// Bundles the extension (dist/extension.js) or the unit tests (out/test/).
//   node esbuild.mjs                 development build, with a source map
//   node esbuild.mjs --production    minified, and the repository's LICENSE copied in for vsce
//   node esbuild.mjs --tests         test/unit/*.test.ts → out/test/*.test.js
import * as esbuild from 'esbuild';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
};

if (tests) {
  rmSync('out', { recursive: true, force: true });
  const entryPoints = readdirSync('test/unit')
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `test/unit/${f}`);
  await esbuild.build({ ...common, entryPoints, outdir: 'out/test', sourcemap: 'inline' });
} else {
  rmSync('dist', { recursive: true, force: true });
  await esbuild.build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    minify: production,
    sourcemap: !production,
  });
  if (production) {
    // vsce takes the license from the extension's folder; the one license
    // of the project is at the repository root.
    copyFileSync('../../LICENSE', 'LICENSE');
  }
}
