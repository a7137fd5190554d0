// Checks the slot semantics of ABI.md ("Output") in V8 on a processed module that exports the
// glue through thin wrappers: insert (externref) -> i32, get (i32) -> externref, drop (i32),
// and imports the drop hook hooks.drop (externref) -> (). The reference table is exported as
// "externrefs". Used by SlotGlueTest (the same checks run on Chicory there).
//
//   node slot-semantics.mjs PROCESSED.wasm
//
// Prints one line per failed check on stderr. Exit status: 0 all passed, 1 a check failed,
// 2 the module cannot be loaded.
import { readFileSync } from 'node:fs';

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

let instance;
const drops = [];
let table = null;
try {
  const module = new WebAssembly.Module(readFileSync(process.argv[2]));
  instance = new WebAssembly.Instance(module, {
    hooks: {
      drop: (ref) => {
        let present = false;
        for (let i = 0; i < table.length; i++) if (table.get(i) === ref) present = true;
        check(ref !== null && present, `drop hook called with ${JSON.stringify(ref)}, which is not in the table`);
        drops.push(ref);
      },
    },
  });
  table = instance.exports.externrefs;
} catch (e) {
  process.stderr.write(`slot-semantics: cannot load ${process.argv[2]}: ${e.message}\n`);
  process.exit(2);
}
const { insert, get, drop } = instance.exports;

const traps = (f) => {
  try {
    f();
    return false;
  } catch (e) {
    return e instanceof WebAssembly.RuntimeError;
  }
};

// null
check(insert(null) === -1, 'insert(null) is -1');
check(get(-1) === null, 'get(-1) is null');
check(table.length === 0 || [...Array(table.length).keys()].every((i) => table.get(i) === null), 'insert(null) stores nothing');

// insert / get / drop
const a = { name: 'a' };
const b = { name: 'b' };
const c = { name: 'c' };
const ia = insert(a);
const ib = insert(b);
const ic = insert(c);
check(ia >= 0 && ib >= 0 && ic >= 0, `indices are >= 0: ${ia} ${ib} ${ic}`);
check(new Set([ia, ib, ic]).size === 3, `live indices never collide: ${ia} ${ib} ${ic}`);
check(get(ia) === a && get(ib) === b && get(ic) === c, 'get gives back what insert stored');
check(table.get(ib) === b, 'the exported table holds the reference at its index');
drop(ib);
check(drops.length === 1 && drops[0] === b, 'drop calls the hook with the reference');
check(table.get(ib) === null, 'drop clears the slot');
check(get(ia) === a && get(ic) === c, 'other slots are untouched by drop');

// drop of a free slot: nothing
drop(ib);
check(drops.length === 1, 'drop of a free slot does not call the hook');
check(get(ia) === a && get(ic) === c, 'drop of a free slot changes nothing');

// reuse after drop never collides with live slots
const d = { name: 'd' };
const id = insert(d);
check(id !== ia && id !== ic && id >= 0, `a new index does not collide with live ones: ${id} vs ${ia} ${ic}`);
check(get(id) === d, 'get of the new slot');

// out of range traps
check(traps(() => get(table.length)), 'get past the end traps');
check(traps(() => get(-2)), 'get(-2) traps');
check(traps(() => drop(table.length)), 'drop past the end traps');
check(traps(() => drop(table.length + 1000)), 'drop far past the end traps');

// a long random sequence against a model
let seed = 12345;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const live = new Map([[ia, a], [ic, c], [id, d]]);
for (let step = 0; step < 2000 && failures.length === 0; step++) {
  if (random(3) !== 0 || live.size === 0) {
    const ref = { step };
    const i = insert(ref);
    check(i >= 0 && !live.has(i), `step ${step}: insert gave ${i}, which is live`);
    live.set(i, ref);
  } else {
    const keys = [...live.keys()];
    const i = keys[random(keys.length)];
    const before = drops.length;
    drop(i);
    check(drops.length === before + 1 && drops[before] === live.get(i), `step ${step}: drop(${i}) called the hook once with its reference`);
    live.delete(i);
  }
  for (const [i, ref] of live) check(get(i) === ref, `step ${step}: get(${i})`);
}
for (const i of [...live.keys()]) drop(i);
for (let i = 0; i < table.length; i++) check(table.get(i) === null, `slot ${i} is free after dropping everything`);

if (failures.length > 0) {
  process.stderr.write(`slot-semantics: ${failures.length} check(s) failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`slot-semantics: OK, table length ${table.length}, ${drops.length} drops\n`);
