// The differential oracle in V8: the twin of the Java classes in
// dev.externref.engine.equivalence (ChicoryTrace, ImportSemantics), line for line the same
// trace format. Usage: node equivalence.mjs MANIFEST.json
// MANIFEST: [{name, unprocessed, processed, scenario}], paths to .wasm files, processed may be
// null. For each case prints "case NAME", then "E line" for the unprocessed module's trace under
// the emulating host, "P line" for the processed module's under a plain host, and "X message"
// when a run could not be made sense of.
import { readFileSync } from 'node:fs';

const FIRST_HANDLE = 0x40000000;
const HOOK = ['hooks', 'drop'];

class HostError extends Error {}
class GlueTrap extends Error {}

// The engine's documented amortized slot algorithm (SlotOracle in the Java tests).
class Slots {
  constructor() { this.table = []; this.free = 0; this.cursor = 0; }
  get size() { return this.table.length; }
  insert(id) {
    let slot;
    if ((this.free >>> 0) <= (this.table.length >>> 2)) {
      slot = this.table.length;
      const grow = Math.max(this.table.length, 16);
      for (let i = 0; i < grow; i++) this.table.push(-1);
      this.free += grow;
    } else {
      slot = this.cursor;
      for (;;) {
        if (slot >= this.table.length) slot = 0;
        if (this.table[slot] === -1) break;
        slot++;
      }
    }
    this.table[slot] = id;
    this.free--;
    this.cursor = slot + 1;
    return slot;
  }
  drop(slot) {
    const id = this.table[slot];
    if (id !== -1) { this.table[slot] = -1; this.free++; }
    return id;
  }
}

function refBits(module) {
  const imports = new Map();
  const exports = new Map();
  for (const section of WebAssembly.Module.customSections(module, '__externrefs')) {
    const v = new DataView(section);
    const bytes = new Uint8Array(section);
    const text = (at, len) => new TextDecoder().decode(bytes.subarray(at, at + len));
    let p = 0;
    while (p < bytes.length) {
      const kind = v.getUint32(p, true); p += 4;
      let mod = null;
      if (kind !== 0xffffffff) { mod = text(p, kind); p += kind; }
      const nameLen = v.getUint32(p, true); p += 4;
      const name = text(p, nameLen); p += nameLen;
      const count = v.getUint32(p, true); p += 4;
      const refs = [];
      for (let i = 0; i < count; i++) refs.push(((bytes[p + (i >> 3)] >> (i & 7)) & 1) === 1);
      p += (count + 7) >> 3;
      (mod === null ? exports : imports).set(mod === null ? name : `${mod}.${name}`, refs);
    }
  }
  return { imports, exports };
}

// Function types from the binary (the JS API does not expose them).
function functionTypes(bytes) {
  let p = 8;
  const leb = () => { let r = 0, s = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const types = [], funcs = [], imports = [], exports = new Map();
  const valtype = () => { const t = bytes[p++]; if (t === 0x63 || t === 0x64) leb(); return t; };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    const end = p + size;
    if (id === 1) {
      for (let n = leb(), i = 0; i < n; i++) {
        if (bytes[p++] !== 0x60) throw new HostError('only plain function types are supported here');
        const params = [], results = [];
        for (let k = leb(), j = 0; j < k; j++) params.push(valtype());
        for (let k = leb(), j = 0; j < k; j++) results.push(valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = leb(), i = 0; i < n; i++) {
        const ml = leb(); const mod = new TextDecoder().decode(bytes.subarray(p, p + ml)); p += ml;
        const nl = leb(); const name = new TextDecoder().decode(bytes.subarray(p, p + nl)); p += nl;
        const kind = bytes[p++];
        if (kind !== 0) throw new HostError(`import ${mod}.${name} is no function: not supported here`);
        const t = types[leb()];
        imports.push({ module: mod, name, type: t });
        funcs.push(t);
      }
    } else if (id === 3) {
      for (let n = leb(), i = 0; i < n; i++) funcs.push(types[leb()]);
    } else if (id === 7) {
      for (let n = leb(), i = 0; i < n; i++) {
        const nl = leb(); const name = new TextDecoder().decode(bytes.subarray(p, p + nl)); p += nl;
        const kind = bytes[p++]; const index = leb();
        if (kind === 0) exports.set(name, index);
      }
    }
    p = end;
  }
  return { imports, exportType: (name) => funcs[exports.get(name)] };
}

const label = (o) => (o === null ? 'null' : o.label);
const list = (values) => values.map((v) => (typeof v === 'number' ? String(v) : label(v))).join(', ');

// ImportSemantics.java, in JavaScript.
class Semantics {
  constructor() { this.made = new Map(); this.calls = 0; }
  make(text) {
    const k = this.made.get(text) ?? 0;
    this.made.set(text, k + 1);
    return { label: `${text}#${k}`, text };
  }
  call(mod, name, args, refResults, env) {
    const n = this.calls++;
    const out = new Array(refResults.length).fill(null);
    let what = `${mod}.${name}(${list(args)})`;
    const text = (o) => (o === null ? 'null' : o.text);
    const length = (o) => (o === null ? 0 : Buffer.byteLength(o.text, 'utf8'));
    switch (name) {
      case 'new_object': case 'new_greeting': out[0] = this.make(env.string(args[0], args[1])); break;
      case 'send_message': out[0] = this.make(env.string(args[1], args[2])); break;
      case 'message_len': case 'object_tag_len': case 'name_len': case 'len': out[0] = length(args[0]); break;
      case 'observe': out[0] = args[0] === null ? 0 : length(args[0]) + 1; break;
      case 'combine': out[0] = this.make(`${text(args[0])}+${text(args[1])}`); break;
      case 'pick':
        out[0] = typeof args[0] === 'number' ? (args[0] !== 0 ? args[1] : args[2]) : (args[1] === 0 ? args[0] : args[2]);
        break;
      case 'make': out[0] = this.make('x'.repeat(args[0])); break;
      case 'pair': out[0] = this.make('y'.repeat(args[0])); out[1] = 2 * args[0]; break;
      case 'same': out[0] = args[0] === args[1] ? 1 : 0; break;
      case 'check_live': case 'inspect_refs': what += ` live [${env.live().join(', ')}]`; break;
      case 'log': if (args.length === 2) what += ` "${env.string(args[0], args[1])}"`; break;
      case 'greet': what += ` "${text(args[1])}, ${text(args[0])}!"`; break;
      default: {
        let ints = 0;
        let firstRef = null;
        for (const a of args) {
          if (typeof a === 'number') ints += a;
          else if (a !== null && firstRef === null) firstRef = a;
        }
        for (let r = 0; r < refResults.length; r++) {
          const k = n + r;
          if (!refResults[r]) out[r] = (((k * 7 + ints) % 5) + 5) % 5;
          else if (k % 7 === 3) out[r] = null;
          else if (k % 3 === 1 && firstRef !== null) out[r] = firstRef;
          else out[r] = this.make(name);
        }
      }
    }
    if (refResults.length > 0) what += ` -> ${list(out)}`;
    env.trace(what);
    return out;
  }
}

function run(mode, bytes, scenario) {
  const module = new WebAssembly.Module(bytes);
  const types = functionTypes(bytes);
  const bits = mode === 'E' ? refBits(module) : { imports: new Map(), exports: new Map() };
  const trace = [];
  const objects = [];
  const handles = new Map();
  const given = new Map();
  const slots = new Slots();
  const semantics = new Semantics();
  let instance;
  // Unprocessed, null is the i32 0: a local the module never wrote starts as 0 there, as null
  // once it is an externref local.
  const handle = (o) => {
    if (o === null) return 0;
    if (!handles.has(o)) { objects.push(o); handles.set(o, FIRST_HANDLE + objects.length - 1); }
    return handles.get(o);
  };
  const object = (h, where) => {
    if (h === 0) return null;
    const i = h - FIRST_HANDLE;
    if (i < 0 || i >= objects.length) throw new HostError(`${where} is ${h}, which is no reference this host handed out`);
    return objects[i];
  };
  const refs = (marked, type) => {
    const all = [...type.params, ...type.results];
    return all.map((t, i) => t === 0x6f || (marked !== undefined && i < marked.length && marked[i]));
  };
  // In: a wasm value at a position; out: an object, null or a number.
  const fromWasm = (v, ref, where) => {
    if (!ref) return typeof v === 'bigint' ? Number(v) : v;
    if (mode === 'E') return object(v, where);
    if (v !== null && !handles.has(v)) throw new HostError(`${where} is a reference this host never handed out`);
    return v;
  };
  const toWasm = (v, ref) => (ref ? (mode === 'E' ? handle(v) : (v === null ? null : (handle(v), v))) : v);
  const live = () => {
    const labels = [];
    if (mode === 'E') {
      for (const id of slots.table) if (id !== -1) labels.push(objects[id].label);
    } else {
      const table = instance.exports.externrefs;
      for (let i = 0; i < table.length; i++) {
        const o = fromWasm(table.get(i), true, `table slot ${i}`);
        if (o !== null) labels.push(o.label);
      }
    }
    return labels.sort(javaOrder);
  };
  const env = {
    string: (ptr, len) => new TextDecoder().decode(new Uint8Array(instance.exports.memory.buffer, ptr, len)),
    live,
    trace: (line) => trace.push(line),
  };
  const slotContent = (slot, op) => {
    if (slot < 0 || slot >= slots.size) throw new GlueTrap(`externref.${op}(${slot}): out of the table`);
    return slots.table[slot];
  };
  const imports = {};
  for (const imp of types.imports) {
    imports[imp.module] ??= {};
    let fn;
    if (mode === 'E' && imp.module === 'externref') {
      fn = {
        guard: () => {},
        insert: (h) => { const o = object(h, 'the argument of externref.insert'); return o === null ? -1 : slots.insert(handle(o) - FIRST_HANDLE); },
        get: (slot) => { if (slot === -1) return 0; const id = slotContent(slot, 'get'); return id === -1 ? 0 : FIRST_HANDLE + id; },
        drop: (slot) => { const id = slotContent(slot, 'drop'); if (id !== -1) { trace.push(`drop(${objects[id].label})`); slots.drop(slot); } },
      }[imp.name];
      if (!fn) throw new HostError(`unknown surrogate import externref.${imp.name}`);
    } else if (mode === 'P' && imp.module === HOOK[0] && imp.name === HOOK[1]) {
      fn = (r) => { trace.push(`drop(${label(fromWasm(r, true, "the drop hook's argument"))})`); };
    } else {
      const r = refs(bits.imports.get(`${imp.module}.${imp.name}`), imp.type);
      const np = imp.type.params.length;
      fn = (...raw) => {
        const args = raw.map((v, i) => fromWasm(v, r[i], `argument ${i} of ${imp.module}.${imp.name}`));
        const out = semantics.call(imp.module, imp.name, args, r.slice(np), env);
        const wasm = out.map((v, i) => toWasm(v, r[np + i]));
        return wasm.length === 0 ? undefined : wasm.length === 1 ? wasm[0] : wasm;
      };
    }
    imports[imp.module][imp.name] = fn;
  }
  instance = new WebAssembly.Instance(module, imports);
  for (const call of scenario) {
    const type = types.exportType(call.export);
    if (type === undefined) throw new HostError(`no exported function ${call.export}`);
    const r = refs(bits.exports.get(call.export), type);
    const np = type.params.length;
    const args = call.args.map((a) => {
      if (a !== null && typeof a === 'object') {
        if (!given.has(a.obj)) given.set(a.obj, { label: a.obj, text: a.text });
        return given.get(a.obj);
      }
      return a;
    });
    trace.push(`call ${call.export}(${list(args)})`);
    let outcome;
    try {
      let result = instance.exports[call.export](...args.map((a, i) => toWasm(a, r[i])));
      const results = type.results.length === 0 ? [] : type.results.length === 1 ? [result] : [...result];
      outcome = `return ${list(results.map((v, i) => fromWasm(v, r[np + i], `result ${i} of ${call.export}`)))}`;
    } catch (e) {
      if (e instanceof HostError) throw e;
      if (e instanceof GlueTrap || e instanceof WebAssembly.RuntimeError) outcome = 'trap';
      else if (e instanceof RangeError && /call stack/.test(e.message)) outcome = 'exhausted';
      else throw e;
    }
    trace.push(outcome);
    trace.push(`live [${live().join(', ')}]`);
  }
  return trace;
}

// Java's String.compareTo order (UTF-16 code units), as the Java traces sort.
function javaOrder(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

const oneLine = (s) => String(s).replace(/[\r\n]+/g, ' ');
const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const c of manifest) {
  out.push(`case ${c.name}`);
  for (const [mode, file] of [['E', c.unprocessed], ['P', c.processed]]) {
    if (file === null) continue;
    try {
      for (const line of run(mode, readFileSync(file), c.scenario)) out.push(`${mode} ${oneLine(line)}`);
    } catch (e) {
      out.push(`X ${mode}: ${oneLine(e instanceof HostError ? e.message : e.stack ?? e)}`);
    }
  }
}
process.stdout.write(out.join('\n') + '\n');
