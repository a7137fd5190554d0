// Host for the real fixture shared/fixtures/upstream-e2e.wasm (see shared/ABI.md, last section).
//
//   node upstream-e2e-host.mjs PROCESSED.wasm [--table externrefs] [--drop-fn module::name]
//   node upstream-e2e-host.mjs ORIGINAL.wasm --unprocessed [--simulate-bug NAME]
//
// Default mode: PROCESSED.wasm is the fixture after the externref processor. Its imports
// test.* take and return real JS values as externref, the slot table is its exported table
// (--table, default "externrefs"), and with --drop-fn the module imports the drop hook
// module.name (externref) -> () from us.
//
// --unprocessed: the ORIGINAL fixture is loaded and this script plays the processor: it
// implements externref.insert/get/drop/guard in JS over a JS array (slot <-> object, -1 <->
// null) and, following the module's __externrefs section, carries references across the i32
// boundary of the described imports and exports. The drop hook is always on. --simulate-bug
// makes that simulated processor misbehave on purpose (leak, no-hook, double-hook,
// hook-after-clear, wrong-get), to show that the checks below catch it.
//
// Scenarios, all on one instance, in this order: test_export(s), test_export_with_casts(s),
// test_nulls(s), test_nulls(null). Checked (ABI.md): at each inspect_refs call the live
// references in the table are exactly the expected set (compared as JS objects, each once,
// every other slot null); after each call no slot holds a reference; the drop hook saw m1, m2,
// m3 and s exactly once each, and nothing else, and each while it was still in the table;
// test_nulls returns normally. Also checked, derived from the fixture's code rather than
// stated by ABI.md: send_message always gets the scenario's sender (so get() returned what
// insert() stored), the message texts and their order, the message_len arguments, and that
// test_nulls(s) drops its message and s while test_nulls(null) drops nothing.
//
// Where ABI.md needed interpretation:
// - "each live reference sits at the index the module holds for it" cannot be seen from the
//   host; it is checked through its consequences: get() of the sender's slot must give s to
//   send_message, get() of a message slot must give that message to message_len.
// - "every other slot is null": the table may be any length; each reference must appear once.
// - "the drop hook has seen m1, m2, m3 and s, each exactly once" is taken as exactly that
//   multiset (a hook call with null or with another reference is a mismatch), and "drop calls
//   it with the reference just before clearing the slot" as: the reference is still in the table
//   while the hook runs.
// - In the original module a reference crossing the boundary is an i32 (ABI.md only calls
//   insert's parameter and get's result "really" references): --unprocessed hands the module a
//   one-use i32 handle per reference (far from slot indices) and maps it back when the module
//   passes it to insert() or to a described import; an unknown handle is an error, so a slot
//   index used as a reference is caught.
// - test_export needs a sender: with null, insert() gives -1 and the module panics (unreachable).
//
// Prints a JSON summary on stdout. Exit status: 0 all checks passed, 1 a mismatch (listed on
// stderr), 2 usage error or a module that cannot be loaded.
import { readFileSync } from 'node:fs';

const USAGE = 'usage: node upstream-e2e-host.mjs PROCESSED.wasm [--table NAME] [--drop-fn module::name]\n'
  + '       node upstream-e2e-host.mjs ORIGINAL.wasm --unprocessed [--simulate-bug '
  + 'leak|no-hook|double-hook|hook-after-clear|wrong-get]\n';
const BUGS = ['leak', 'no-hook', 'double-hook', 'hook-after-clear', 'wrong-get'];

/** Bad command line: exit 2 with the usage. */
class UsageError extends Error {}
/** A module this host cannot run (unreadable, does not compile, wrong interface): exit 2. */
class LoadError extends Error {}

function parseArgs(argv) {
  const options = { file: null, table: 'externrefs', dropFn: null, unprocessed: false, bug: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--table') options.table = value();
    else if (arg === '--drop-fn') {
      const spec = value();
      const at = spec.indexOf('::');
      if (at <= 0 || at + 2 >= spec.length) throw new UsageError(`--drop-fn wants module::name, got '${spec}'`);
      options.dropFn = { module: spec.slice(0, at), name: spec.slice(at + 2) };
    } else if (arg === '--unprocessed') options.unprocessed = true;
    else if (arg === '--simulate-bug') {
      options.bug = value();
      if (!BUGS.includes(options.bug)) throw new UsageError(`unknown bug '${options.bug}' (one of ${BUGS.join(', ')})`);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (options.file === null) options.file = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (options.file === null) throw new UsageError('missing module file');
  if (options.bug !== null && !options.unprocessed) throw new UsageError('--simulate-bug needs --unprocessed');
  return options;
}

// ---------------------------------------------------------------------------------------------
// The __externrefs custom section (ABI.md): records of kind, name and reference bits.

function parseExternrefs(module) {
  const sections = WebAssembly.Module.customSections(module, '__externrefs');
  const records = [];
  for (const section of sections) {
    const bytes = new Uint8Array(section);
    const view = new DataView(section);
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    let pos = 0;
    const u32 = (what) => {
      if (pos + 4 > bytes.length) throw new LoadError(`__externrefs truncated reading ${what} at byte ${pos}`);
      const v = view.getUint32(pos, true);
      pos += 4;
      return v;
    };
    const take = (n, what) => {
      if (pos + n > bytes.length) throw new LoadError(`__externrefs truncated reading ${what} at byte ${pos}`);
      const slice = bytes.subarray(pos, pos + n);
      pos += n;
      return slice;
    };
    const str = (n, what) => {
      try {
        return utf8.decode(take(n, what));
      } catch (e) {
        if (e instanceof LoadError) throw e;
        throw new LoadError(`__externrefs: invalid UTF-8 in ${what} before byte ${pos}`);
      }
    };
    while (pos < bytes.length) {
      const kind = u32('record kind');
      const moduleName = kind === 0xffffffff ? null : str(kind, 'import module name');
      const name = str(u32('name length'), 'name');
      const count = u32('bit count');
      const bits = take(Math.ceil(count / 8), 'reference bits');
      const refs = [];
      for (let i = 0; i < count; i++) refs.push(((bits[i >> 3] >> (i & 7)) & 1) === 1);
      records.push(moduleName === null
        ? { kind: 'export', name, refs }
        : { kind: 'import', module: moduleName, name, refs });
    }
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Host values and the test imports.

class Sender {
  constructor(label, scenario) { this.label = label; this.scenario = scenario; }
}

class Message {
  constructor(label, text, scenario) { this.label = label; this.text = text; this.scenario = scenario; }
}

let currentScenario = null;

/** s, m1, ... for the running scenario's references; "m1 of test_export(s)" for older ones. */
const label = (ref) => {
  if (ref === null) return 'null';
  if (ref instanceof Sender || ref instanceof Message) {
    return ref.scenario === currentScenario ? ref.label : `${ref.label} of ${ref.scenario.name}`;
  }
  return `<foreign ${typeof ref}: ${String(ref)}>`;
};

const TEST_EXPORT = {
  messages: ['test', '42', 'some other string'],
  inspections: [['s'], ['s', 'm1'], ['s', 'm1', 'm2'], ['s', 'm1', 'm2', 'm3'], ['s', 'm2', 'm3'], ['s']],
  drops: ['m1', 'm2', 'm3', 's'],
  lengths: [],
};

const SCENARIOS = [
  { name: 'test_export(s)', export: 'test_export', sender: true, ...TEST_EXPORT },
  { name: 'test_export_with_casts(s)', export: 'test_export_with_casts', sender: true, ...TEST_EXPORT },
  // test_nulls: ABI.md only says it returns normally; the rest is what its code does.
  { name: 'test_nulls(s)', export: 'test_nulls', sender: true, messages: ['test'], inspections: [],
    drops: ['m1', 's'], lengths: [['m1', 4], [null, 0]] },
  { name: 'test_nulls(null)', export: 'test_nulls', sender: false, messages: [], inspections: [],
    drops: [], lengths: [[null, 0]] },
];

/** The state of the running scenario and the host side of the test imports. */
class Host {
  constructor(dropHookInstalled) {
    this.dropHookInstalled = dropHookInstalled;
    this.memory = null;
    this.table = null; // { length, get(i) }
    this.current = null;
    this.failures = [];
  }

  begin(scenario) {
    currentScenario = scenario;
    const sender = scenario.sender ? new Sender('s', scenario) : null;
    this.current = {
      scenario, sender, byLabel: new Map(sender ? [['s', sender]] : []), messages: [],
      inspections: [], drops: [], lengths: [], failures: [],
    };
    return sender;
  }

  fail(message) {
    const where = this.current ? `${this.current.scenario.name}: ` : '';
    (this.current ? this.current.failures : this.failures).push(where + message);
  }

  end() {
    const c = this.current;
    const s = c.scenario;
    if (c.messages.length !== s.messages.length) {
      this.fail(`send_message called ${c.messages.length} time(s), expected ${s.messages.length}`);
    }
    if (c.inspections.length !== s.inspections.length) {
      this.fail(`inspect_refs called ${c.inspections.length} time(s), expected ${s.inspections.length}`);
    }
    if (c.lengths.length !== s.lengths.length) {
      this.fail(`message_len called ${c.lengths.length} time(s), expected ${s.lengths.length}`);
    }
    const leftovers = this.liveSlots();
    if (leftovers.length > 0) {
      this.fail(`after the call the table still holds ${leftovers.map(([i, r]) => `${label(r)} at ${i}`).join(', ')}`);
    }
    if (this.dropHookInstalled) {
      const counts = new Map();
      for (const ref of c.drops) counts.set(ref, (counts.get(ref) ?? 0) + 1);
      for (const name of s.drops) {
        const ref = c.byLabel.get(name);
        const n = ref === undefined ? 0 : (counts.get(ref) ?? 0);
        if (n !== 1) this.fail(`drop hook saw ${name} ${n} time(s), expected exactly once`);
        if (ref !== undefined) counts.delete(ref);
      }
      for (const [ref, n] of counts) this.fail(`drop hook saw unexpected ${label(ref)} ${n} time(s)`);
    }
    const summary = {
      name: s.name,
      ok: c.failures.length === 0,
      inspections: c.inspections,
      drops: this.dropHookInstalled ? c.drops.map(label) : null,
      messages: c.messages.map((m) => m.text),
      messageLen: c.lengths,
      tableLength: this.table.length,
      failures: c.failures,
    };
    this.current = null;
    currentScenario = null;
    return summary;
  }

  /** [index, ref] of every non-null slot; a slot that holds anything but null counts. */
  liveSlots() {
    const live = [];
    for (let i = 0; i < this.table.length; i++) {
      const ref = this.table.get(i);
      if (ref !== null) live.push([i, ref]);
    }
    return live;
  }

  imports() {
    return {
      inspect_refs: () => this.inspectRefs(),
      send_message: (sender, ptr, len) => this.sendMessage(sender, ptr, len),
      message_len: (ref) => this.messageLen(ref),
    };
  }

  dropHook(ref) {
    const c = this.current;
    if (c === null) {
      this.fail(`drop hook called with ${label(ref)} outside a scenario`);
      return;
    }
    c.drops.push(ref);
    if (ref === null || !this.liveSlots().some(([, r]) => r === ref)) {
      this.fail(`drop hook called with ${label(ref)}, which is not in the table (the hook must run just before the slot is cleared)`);
    }
  }

  inspectRefs() {
    const c = this.current;
    const k = c.inspections.length;
    const live = this.liveSlots();
    c.inspections.push(live.map(([i, r]) => `${i}:${label(r)}`).join(' '));
    const expectedNames = c.scenario.inspections[k];
    if (expectedNames === undefined) {
      this.fail(`unexpected inspect_refs call #${k + 1}`);
      return;
    }
    const expected = expectedNames.map((name) => c.byLabel.get(name));
    const seen = new Set();
    const problems = [];
    for (const [i, ref] of live) {
      if (seen.has(ref)) problems.push(`${label(ref)} again at ${i}`);
      else if (!expected.includes(ref)) problems.push(`unexpected ${label(ref)} at ${i}`);
      seen.add(ref);
    }
    expectedNames.forEach((name, j) => {
      if (expected[j] === undefined) problems.push(`${name} was never created`);
      else if (!seen.has(expected[j])) problems.push(`${name} missing`);
    });
    if (problems.length > 0) {
      const actual = live.map(([i, r]) => `${i}:${label(r)}`).join(' ') || 'empty';
      this.fail(`inspect_refs #${k + 1}: expected {${expectedNames.join(',')}}, table has [${actual}]: ${problems.join('; ')}`);
    }
  }

  sendMessage(sender, ptr, len) {
    const c = this.current;
    if (sender !== c.sender || sender === null) {
      this.fail(`send_message got ${label(sender)} as sender, expected s`);
    }
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(this.memory.buffer, ptr, len));
    } catch (e) {
      this.fail(`send_message(ptr=${ptr}, len=${len}): cannot read UTF-8 from memory: ${e.message}`);
      text = '';
    }
    const n = c.messages.length + 1;
    const message = new Message(`m${n}`, text, c.scenario);
    c.messages.push(message);
    c.byLabel.set(message.label, message);
    const expected = c.scenario.messages[n - 1];
    if (text !== expected) {
      this.fail(`send_message #${n} sent ${JSON.stringify(text)}, expected ${JSON.stringify(expected)}`);
    }
    return message;
  }

  messageLen(ref) {
    const c = this.current;
    const k = c.lengths.length;
    const result = ref instanceof Message ? Buffer.byteLength(ref.text, 'utf8') : 0;
    c.lengths.push(`${label(ref)} -> ${result}`);
    if (ref !== null && !(ref instanceof Message)) this.fail(`message_len got ${label(ref)}, not a message`);
    const expected = c.scenario.lengths[k];
    if (expected === undefined) this.fail(`unexpected message_len call #${k + 1} with ${label(ref)}`);
    else if (ref !== (expected[0] === null ? null : c.byLabel.get(expected[0]))) {
      this.fail(`message_len #${k + 1} got ${label(ref)}, expected ${expected[0] ?? 'null'}`);
    }
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// Processed mode: the module itself implements the slot table.

function instantiateProcessed(module, options, host) {
  const imports = WebAssembly.Module.imports(module);
  const exports = WebAssembly.Module.exports(module);
  const leftover = imports.filter((i) => i.module === 'externref');
  if (leftover.length > 0) {
    throw new LoadError(`module still imports ${leftover.map((i) => `externref.${i.name}`).join(', ')}: `
      + 'not processed? (use --unprocessed for the original fixture)');
  }
  if (WebAssembly.Module.customSections(module, '__externrefs').length > 0) {
    host.failures.push('the processed module still has an __externrefs section');
  }
  const importObject = { test: host.imports() };
  if (options.dropFn) {
    const { module: m, name } = options.dropFn;
    const declared = imports.find((i) => i.module === m && i.name === name);
    if (!declared) throw new LoadError(`module does not import the drop hook ${m}.${name}`);
    if (declared.kind !== 'function') throw new LoadError(`drop hook ${m}.${name} is imported as a ${declared.kind}`);
    importObject[m] = { ...(importObject[m] ?? {}), [name]: (ref) => host.dropHook(ref) };
  }
  const unknown = imports.filter((i) => importObject[i.module]?.[i.name] === undefined);
  if (unknown.length > 0) {
    throw new LoadError(`module imports ${unknown.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ')}`
      + ' that this host does not provide' + (options.dropFn ? '' : ' (a drop hook? pass --drop-fn module::name)'));
  }
  const tableExport = exports.find((e) => e.name === options.table);
  if (!tableExport || tableExport.kind !== 'table') {
    throw new LoadError(`module has no table export '${options.table}' (exports: ${exports.map((e) => `${e.name}:${e.kind}`).join(', ')})`);
  }
  const instance = new WebAssembly.Instance(module, importObject);
  host.memory = instance.exports.memory;
  host.table = instance.exports[options.table];
  return { exports: instance.exports, info: {} };
}

// ---------------------------------------------------------------------------------------------
// Unprocessed mode: this script plays the processor.

/** The slot table the processor would build inside the module, simulated over a JS array. */
class SimulatedSlots {
  constructor(dropHook, bug) {
    this.slots = [];
    this.free = [];
    this.dropHook = dropHook;
    this.bug = bug;
  }

  insert(ref) {
    if (ref === null) return -1;
    const i = this.free.length > 0 ? this.free.pop() : this.slots.push(null) - 1;
    this.slots[i] = ref;
    return i;
  }

  get(i) {
    if (i === -1) return null;
    this.check(i);
    if (this.bug === 'wrong-get') {
      const other = this.slots.findIndex((r, j) => j !== i && r !== null);
      if (other >= 0) return this.slots[other];
    }
    return this.slots[i];
  }

  drop(i) {
    this.check(i);
    const ref = this.slots[i];
    if (ref === null) return; // already free: nothing (ABI.md)
    if (this.bug === 'hook-after-clear') {
      this.release(i);
      this.dropHook(ref);
      return;
    }
    if (this.bug !== 'no-hook') this.dropHook(ref);
    if (this.bug === 'double-hook') this.dropHook(ref);
    if (this.bug !== 'leak') this.release(i);
  }

  release(i) {
    this.slots[i] = null;
    this.free.push(i);
  }

  check(i) {
    if (!Number.isInteger(i) || i < 0 || i >= this.slots.length) {
      throw new WebAssembly.RuntimeError(`table index ${i} is out of bounds (simulated trap; table length ${this.slots.length})`);
    }
  }

  /** What the host sees instead of the exported table. */
  view() {
    const slots = this.slots;
    return { get length() { return slots.length; }, get: (i) => slots[i] ?? null };
  }
}

/**
 * References in transit across the module boundary. In the original module a reference
 * parameter or result is an i32: we hand the module a fresh handle for each reference, and
 * take it back when the module passes it to insert() or to an import. Each handle is used
 * once (ABI.md: a reference has one consumer); -1 stands for null.
 */
class Boundary {
  constructor() {
    this.pending = new Map();
    this.next = 0x40000000; // far from slot indices, so that mixing the two is caught
  }

  give(ref) {
    if (ref === null) return -1;
    const handle = this.next++;
    this.pending.set(handle, ref);
    return handle;
  }

  take(handle) {
    if (handle === -1) return null;
    if (!this.pending.has(handle)) {
      throw new Error(`i32 ${handle} used as a reference but no reference was handed over as it (a slot index, or used twice?)`);
    }
    const ref = this.pending.get(handle);
    this.pending.delete(handle);
    return ref;
  }
}

function instantiateUnprocessed(module, options, host) {
  const records = parseExternrefs(module);
  if (records.length === 0) throw new LoadError('--unprocessed: the module has no __externrefs section');
  const imports = WebAssembly.Module.imports(module);
  const boundary = new Boundary();
  const slots = new SimulatedSlots((ref) => host.dropHook(ref), options.bug);
  const counts = { insert: 0, get: 0, drop: 0, guard: 0 };
  const surrogates = {
    insert: (handle) => { counts.insert++; return slots.insert(boundary.take(handle)); },
    get: (slot) => { counts.get++; return boundary.give(slots.get(slot)); },
    drop: (slot) => { counts.drop++; slots.drop(slot); },
    guard: () => { counts.guard++; },
  };
  const provided = { test: host.imports() };
  const importObject = {};
  for (const imp of imports) {
    let fn;
    if (imp.module === 'externref') {
      fn = surrogates[imp.name];
      if (!fn || imp.kind !== 'function') throw new LoadError(`unknown surrogate import externref.${imp.name} (${imp.kind})`);
    } else {
      const target = provided[imp.module]?.[imp.name];
      if (target === undefined) throw new LoadError(`module imports ${imp.module}.${imp.name}, which this host does not provide`);
      const record = records.find((r) => r.kind === 'import' && r.module === imp.module && r.name === imp.name);
      fn = record ? adaptImport(target, record.refs, boundary) : target;
    }
    (importObject[imp.module] ??= {})[imp.name] = fn;
  }
  const instance = new WebAssembly.Instance(module, importObject);
  const exports = { ...instance.exports };
  for (const record of records.filter((r) => r.kind === 'export')) {
    const fn = instance.exports[record.name];
    if (typeof fn !== 'function') throw new LoadError(`__externrefs describes export ${record.name}, which is not an exported function`);
    exports[record.name] = adaptExport(fn, record.refs, boundary);
  }
  host.memory = instance.exports.memory;
  host.table = slots.view();
  return {
    exports,
    info: { surrogateCalls: counts, pendingHandles: () => boundary.pending.size, records: records.length },
  };
}

/** An import as the original module calls it: marked i32 arguments and results are handles. */
function adaptImport(target, refs, boundary) {
  return (...args) => {
    const params = args.length;
    const result = target(...args.map((a, i) => (refs[i] ? boundary.take(a) : a)));
    if (refs.length - params > 1) throw new Error('multi-value results are not simulated');
    return refs.length - params === 1 && refs[params] ? boundary.give(result) : result;
  };
}

/** An export as a host that passes references calls it. */
function adaptExport(fn, refs, boundary) {
  const params = fn.length;
  return (...args) => {
    const result = fn(...args.map((a, i) => (refs[i] ? boundary.give(a) : a)));
    if (refs.length - params > 1) throw new Error('multi-value results are not simulated');
    return refs.length - params === 1 && refs[params] ? boundary.take(result) : result;
  };
}

// ---------------------------------------------------------------------------------------------

function main() {
  let options;
  let module;
  let runtime;
  const dropHookInstalled = (o) => o.unprocessed || o.dropFn !== null;
  let host;
  try {
    options = parseArgs(process.argv.slice(2));
    let bytes;
    try {
      bytes = readFileSync(options.file);
    } catch (e) {
      throw new LoadError(`cannot read ${options.file}: ${e.message}`);
    }
    try {
      module = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new LoadError(`${options.file} does not compile: ${e.message}`);
    }
    host = new Host(dropHookInstalled(options));
    runtime = options.unprocessed
      ? instantiateUnprocessed(module, options, host)
      : instantiateProcessed(module, options, host);
    for (const s of SCENARIOS) {
      if (typeof runtime.exports[s.export] !== 'function') throw new LoadError(`module does not export function ${s.export}`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof LoadError || e instanceof WebAssembly.LinkError) {
      process.stderr.write(`upstream-e2e-host: ${e.message}\n${e instanceof UsageError ? USAGE : ''}`);
      process.exit(2);
    }
    throw e;
  }

  const scenarios = [];
  for (const scenario of SCENARIOS) {
    const sender = host.begin(scenario);
    try {
      const result = runtime.exports[scenario.export](sender);
      if (result !== undefined) host.fail(`returned ${String(result)}, expected nothing`);
    } catch (e) {
      host.fail(`did not return normally: ${e instanceof WebAssembly.RuntimeError ? 'trap' : e.name}: ${e.message}`);
    }
    if (runtime.info.pendingHandles && runtime.info.pendingHandles() > 0) {
      host.fail(`${runtime.info.pendingHandles()} reference(s) handed to the module were never taken`);
    }
    scenarios.push(host.end());
  }

  const failures = [...host.failures, ...scenarios.flatMap((s) => s.failures)];
  const summary = {
    ok: failures.length === 0,
    mode: options.unprocessed ? 'unprocessed' : 'processed',
    module: options.file,
    table: options.unprocessed ? null : options.table,
    dropHook: options.unprocessed ? 'simulated' : options.dropFn ? `${options.dropFn.module}::${options.dropFn.name}` : null,
    simulatedBug: options.bug,
    surrogateCalls: runtime.info.surrogateCalls,
    scenarios,
    failures,
  };
  // Indented, with arrays of plain values kept on one line.
  const json = JSON.stringify(summary, null, 2)
    .replace(/\[\s+([^[\]{}]*?)\s+\]/g, (m, inner) => `[${inner.replace(/\s*\n\s*/g, ' ')}]`);
  process.stdout.write(json + '\n');
  if (failures.length > 0) {
    process.stderr.write(`upstream-e2e-host: FAILED, ${failures.length} mismatch(es):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stderr.write(`upstream-e2e-host: OK, ${scenarios.length} scenarios passed (${summary.mode}`
    + `${summary.dropHook ? `, drop hook ${summary.dropHook}` : ', no drop hook: drops not checked'})\n`);
}

main();
