// Benchmark of the slot glue in V8 (not a test): AMORTIZED against LINEAR_SCAN.
//
//   node benchmarks/slots/slots-bench.mjs AMORTIZED.wasm LINEAR_SCAN.wasm
//        [--sizes 1000,10000,100000] [--ops 1000000] [--budget-seconds 10] [--reps 5]
//
// The modules are the processed slot guest of the engine's tests (no drop hook), written by
// `SlotBenchmark --write-modules DIR` (see README.md): exports ins(externref) -> i32,
// get(i32) -> externref, drop(i32), nop(), nop_ref(externref) -> i32 and the table "externrefs".
//
// Scenarios, for each N: (1) insert: N inserts into a fresh instance, kept; ns per insert.
// (2) churn: with N live, drop a random live slot and insert a new object; ns per drop+insert
// pair. (3) fifo: with N live, drop the oldest and insert; ns per pair. Objects are created
// before timing. Each cell is repeated (fresh instance of the same compiled module, setup
// untimed) --reps times, or more until --ops ops were measured (small insert cells), within the
// budget; the median is reported. A churn/fifo cell stops
// when its budget is spent (the ops measured are reported). LINEAR_SCAN's insert cell, when N
// inserts would exceed the budget, is estimated from a window of inserts around N/2 (its cost is
// linear in the live count, so that is the mean), after the first N/2 are written by the host.
// LINEAR_SCAN setups with N live are always written by the host (table.grow + table.set): it
// keeps no state besides the table, so this is the state N inserts leave, without their O(N^2)
// cost; LINEAR_SCAN's fifo samples the phases of its N-op cycle (see churn()). Timing:
// performance.now(), and in parentheses by process.cpuUsage() (the machine may be shared).
import { readFileSync } from 'node:fs';
import os from 'node:os';

const USAGE = 'usage: node slots-bench.mjs AMORTIZED.wasm LINEAR_SCAN.wasm [--sizes 1000,10000,100000] '
  + '[--ops N] [--budget-seconds S] [--reps R]\n';
const opts = { files: [], sizes: [1000, 10000, 100000], ops: 1_000_000, budget: 10, reps: 5 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--sizes') opts.sizes = argv[++i].split(',').map(Number);
  else if (a === '--ops') opts.ops = Number(argv[++i]);
  else if (a === '--budget-seconds') opts.budget = Number(argv[++i]);
  else if (a === '--reps') opts.reps = Number(argv[++i]);
  else if (a.startsWith('--')) { process.stderr.write(USAGE); process.exit(2); }
  else opts.files.push(a);
}
if (opts.files.length !== 2) { process.stderr.write(USAGE); process.exit(2); }

const modules = {
  AMORTIZED: new WebAssembly.Module(readFileSync(opts.files[0])),
  LINEAR_SCAN: new WebAssembly.Module(readFileSync(opts.files[1])),
};
const budgetMs = opts.budget * 1000;
const CHUNK = 64;
const WINDOW = 200;
const MAX_REPS = 200;
const maxN = Math.max(...opts.sizes);
const POOL = Math.max(1 << 20, 2 * maxN);
const objects = Array.from({ length: POOL }, (_, id) => ({ id }));
let sink = 0;

const fresh = (allocator) => new WebAssembly.Instance(modules[allocator], {}).exports;

/** Timer over performance.now() and process.cpuUsage(). */
function clock() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    elapsed: () => performance.now() - wall,
    cell(ops, note = '') {
      const ms = performance.now() - wall;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      return { ns: (ms * 1e6) / ops, cpu: ms > 0 ? Math.min(1, cpuMs / ms) : 1, ops, reps: 1, note };
    },
  };
}

/** Writes objects 0..n-1 into slots 0..n-1 of a fresh LINEAR_SCAN instance's table. */
function hostFill(e, n) {
  const t = e.externrefs;
  if (t.length !== 0) throw new Error('hostFill needs a fresh instance');
  t.grow(n, null);
  for (let i = 0; i < n; i++) t.set(i, objects[i]);
}

function insert(allocator, n) {
  if (allocator === 'LINEAR_SCAN' && n > WINDOW) {
    const from = n / 2 - WINDOW / 2;
    const e = fresh(allocator);
    hostFill(e, from);
    const ins = e.ins;
    const c = clock();
    for (let i = from; i < from + WINDOW; i++) sink += ins(objects[i]);
    const window = c.cell(WINDOW, `estimated: ${WINDOW} inserts at N/2 of ${n}`);
    if (window.ns * n > budgetMs * 1e6) return window;
  }
  const e = fresh(allocator);
  const ins = e.ins;
  const c = clock();
  for (let i = 0; i < n; i++) sink += ins(objects[i]);
  return c.cell(n);
}

function churn(allocator, scenario, n, maxOps) {
  const e = fresh(allocator);
  const { ins, drop } = e;
  const slots = new Int32Array(n);
  if (allocator === 'LINEAR_SCAN') {
    hostFill(e, n);
    for (let i = 0; i < n; i++) slots[i] = i;
  } else {
    for (let i = 0; i < n; i++) slots[i] = ins(objects[i]);
  }
  let next = n;
  let head = 0;
  let x = 0x9e3779b9 | 0;
  let done = 0;
  const fifo = scenario === 'fifo';
  // LINEAR_SCAN fifo is periodic: op k of each N-op cycle drops slot k and scans k+1 slots, and
  // the table is full at every phase. Each chunk starts at the next phase of a golden-ratio
  // sequence, so that a run cut short by the budget still samples the whole cycle.
  const samplePhases = fifo && allocator === 'LINEAR_SCAN';
  let phase = 0;
  const c = clock();
  while (done < maxOps && c.elapsed() < budgetMs) {
    if (samplePhases) {
      phase = (phase + 0.6180339887498949) % 1;
      head = Math.floor(phase * n);
    }
    for (let k = 0; k < CHUNK; k++) {
      let j;
      if (fifo) {
        j = head;
        head = head + 1 === n ? 0 : head + 1;
      } else {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        j = (x >>> 0) % n;
      }
      drop(slots[j]);
      slots[j] = ins(objects[next]);
      next = next + 1 === POOL ? 0 : next + 1;
    }
    done += CHUNK;
  }
  return c.cell(done, done < maxOps ? 'capped by the budget' : '');
}

const once = (allocator, scenario, n, maxOps) =>
  scenario === 'insert' ? insert(allocator, n) : churn(allocator, scenario, n, maxOps);

function cell(allocator, scenario, n) {
  const runs = [];
  const start = performance.now();
  let ops = 0;
  do {
    const run = once(allocator, scenario, n, opts.ops);
    runs.push(run);
    ops += run.ops;
  } while ((runs.length < opts.reps || (ops < opts.ops && runs.length < MAX_REPS))
    && performance.now() - start < budgetMs);
  runs.sort((a, b) => a.ns - b.ns);
  const median = runs[runs.length >> 1];
  return { ...median, reps: runs.length };
}

/** ns per call of the empty exports nop() and nop_ref(ref) -> i32: the host-call overhead. */
function baseline() {
  const e = fresh('AMORTIZED');
  const { nop, nop_ref: nopRef } = e;
  const calls = 2_000_000;
  let c = clock();
  for (let i = 0; i < calls; i++) nop();
  const a = c.cell(calls);
  c = clock();
  for (let i = 0; i < calls; i++) sink += nopRef(objects[i & 1023]);
  return [a, c.cell(calls)];
}

const ns = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const fmt = (c) => `${ns(c.ns)} (${ns(c.ns * c.cpu)})`;

console.log(`V8 ${process.versions.v8}, Node ${process.version}, ${os.cpus().length} CPUs; `
  + `ops/cell <= ${opts.ops}, budget ${opts.budget} s/cell, reps <= ${opts.reps}`);
const warm = performance.now();
for (let round = 0; round < 3; round++) {
  for (const allocator of ['AMORTIZED', 'LINEAR_SCAN']) {
    for (const scenario of ['insert', 'churn', 'fifo']) {
      once(allocator, scenario, 1000, allocator === 'AMORTIZED' ? 200_000 : 2_000);
    }
  }
}
baseline();
console.log(`warm-up ${((performance.now() - warm) / 1000).toFixed(1)} s`);
const [nopCell, nopRefCell] = baseline();
console.log(`baseline (empty exports): nop() ${fmt(nopCell)} ns/call, nop_ref(ref) -> i32 ${fmt(nopRefCell)} ns/call\n`);
console.log('ns/op by performance.now(), (by process CPU time); ratio LINEAR_SCAN / AMORTIZED');
console.log('| scenario | N | AMORTIZED ns/op | LINEAR_SCAN ns/op | ratio | notes |');
console.log('|---|---:|---:|---:|---:|---|');
for (const scenario of ['insert', 'churn', 'fifo']) {
  for (const n of opts.sizes) {
    const am = cell('AMORTIZED', scenario, n);
    const ls = cell('LINEAR_SCAN', scenario, n);
    const notes = `AMORTIZED ${am.ops} ops x${am.reps}; LINEAR_SCAN ${ls.ops} ops x${ls.reps}`
      + (ls.note ? ` (${ls.note})` : '');
    const ratio = `${Math.round(ls.ns / am.ns)}x (${Math.round((ls.ns * ls.cpu) / (am.ns * am.cpu))}x)`;
    console.log(`| ${scenario} | ${n} | ${fmt(am)} | ${fmt(ls)} | ${ratio} | ${notes} |`);
  }
}
if (sink === 0.5) console.log(sink);
