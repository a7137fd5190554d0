// Runs operation sequences on processed slot guests in V8 and writes what the host saw, for
// SlotModelTest (dev.externref.engine.slots) to check against its model.
//
//   node slots-model.mjs INPUT.json OUTPUT.txt
//
// INPUT.json: {"scanner": "scanner.wasm", "maxTableSize": 0, "runs": [{"module": "guest.wasm", "hook": true,
//   "ops": [kind, arg, kind, arg, ...]}, ...]} with kind 0 = ins(object arg, -1: null),
//   1 = get(arg), 2 = drop(arg). Each run gets a fresh instance. A maxTableSize > 0 sets V8's
//   limit on table sizes (--wasm-max-table-size): table.grow beyond it fails.
// The guest exports ins(externref) -> i32, get(i32) -> externref, drop(i32) and its slot table
// "externrefs"; with "hook" it imports host.dropped(externref).
//
// OUTPUT.txt: "run K" before the K-th run's lines, then one line per operation (the format of
// Observation.java), fields separated by tabs:
//   result   i:SLOT | g:OBJ | d | t:TRAP MESSAGE | e:OTHER ERROR
//   hooks    OBJ,... per host.dropped call ('!' appended when the reference was not in the
//            slot being dropped while the hook ran), or -
//   size     the table length after the call
//   changes  SLOT=OBJ,... for each slot whose value changed during the call, or -
// OBJ is the object's number, null, or ?TYPE for a value that is not one of our objects (the
// identical JS object: a copy with the same number is foreign too).
//
// The table is read after every call by a helper module (scanner.wasm) that imports it and
// calls back for each non-null slot: a wasm loop is far faster than Table.prototype.get.
// Exit status: 0 done (whatever the guest did), 2 bad input.
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const [inputPath, outputPath] = process.argv.slice(2);
if (!inputPath || !outputPath) {
  process.stderr.write('usage: node slots-model.mjs INPUT.json OUTPUT.txt\n');
  process.exit(2);
}
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
if (input.maxTableSize > 0) v8.setFlagsFromString(`--wasm-max-table-size=${input.maxTableSize}`);
const scannerModule = new WebAssembly.Module(readFileSync(input.scanner));
const modules = new Map();
const lines = [];
input.runs.forEach((run, k) => {
  lines.push(`run ${k}`);
  if (!modules.has(run.module)) modules.set(run.module, new WebAssembly.Module(readFileSync(run.module)));
  execute(modules.get(run.module), run, lines);
});
writeFileSync(outputPath, lines.join('\n') + '\n');

function execute(module, run, out) {
  const objects = [];
  const object = (id) => (objects[id] ??= { id });
  const name = (v) => {
    if (v === null) return 'null';
    if (typeof v === 'object' && objects[v.id] === v) return String(v.id);
    return '?' + typeof v;
  };
  let hooks = [];
  let dropping = -1;
  let table = null;
  const inSlot = (r) => {
    try {
      return table.get(dropping >>> 0) === r;
    } catch {
      return false;
    }
  };
  const imports = run.hook ? { host: { dropped: (r) => { hooks.push(name(r) + (inSlot(r) ? '' : '!')); } } } : {};
  const { ins, get, drop, externrefs } = new WebAssembly.Instance(module, imports).exports;
  table = externrefs;

  // The slot contents as last reported; the slots that were non-null then (as a list); the
  // scan number in which each slot was last seen non-null.
  const shadow = [];
  let nonNull = [];
  let seen = [];
  let stamp = new Int32Array(1024);
  let scan = 0;
  let changes = [];
  const scanner = new WebAssembly.Instance(scannerModule, {
    scan: {
      table,
      seen: (slot, r) => {
        if (slot >= stamp.length) {
          const bigger = new Int32Array(Math.max(slot + 1, 2 * stamp.length));
          bigger.set(stamp);
          stamp = bigger;
        }
        stamp[slot] = scan;
        seen.push(slot);
        if (shadow[slot] !== r) {
          shadow[slot] = r;
          changes.push(`${slot}=${name(r)}`);
        }
      },
    },
  }).exports.scan;

  const ops = run.ops;
  for (let i = 0; i < ops.length; i += 2) {
    const kind = ops[i];
    const arg = ops[i + 1];
    hooks = [];
    let result;
    try {
      if (kind === 0) result = 'i:' + ins(arg === -1 ? null : object(arg));
      else if (kind === 1) result = 'g:' + name(get(arg));
      else if (kind === 2) {
        dropping = arg;
        drop(arg);
        result = 'd';
      } else throw new Error(`bad op kind ${kind}`);
    } catch (e) {
      result = (e instanceof WebAssembly.RuntimeError ? 't:' : 'e:') + String(e && e.message).replace(/\s+/g, ' ');
    }
    changes = [];
    seen = [];
    scan++;
    scanner();
    for (const slot of nonNull) {
      if (stamp[slot] !== scan) {
        shadow[slot] = null;
        changes.push(`${slot}=null`);
      }
    }
    nonNull = seen;
    changes.sort((a, b) => parseInt(a) - parseInt(b));
    out.push(`${result}\t${hooks.length ? hooks.join(',') : '-'}\t${table.length}\t${changes.length ? changes.join(',') : '-'}`);
  }
}
