// Times npm tiktoken's cl100k_base encode_ordinary on a file: one warm-up
// run, then the best of RUNS. Prints a line of JSON.
import { readFileSync } from "node:fs";
import { get_encoding } from "tiktoken";

const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const text = readFileSync(file, "utf8");
const bytes = Buffer.byteLength(text, "utf8");

let t0 = process.hrtime.bigint();
const enc = get_encoding("cl100k_base");
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

let tokens = enc.encode_ordinary(text).length; // warm-up
let best = Infinity;
for (let i = 0; i < runs; i++) {
  t0 = process.hrtime.bigint();
  tokens = enc.encode_ordinary(text).length;
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
}
enc.free();
console.log(JSON.stringify({ impl: "npm tiktoken", bytes, tokens, load_ms: loadMs, seconds: best, mb_per_s: bytes / 1e6 / best }));
