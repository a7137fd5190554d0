// Times V8's WebAssembly.validate on each file, warm: the reference for the processor's
// single-threaded throughput (scripts/bench-validate.sh runs both in one go).
//
//   node scripts/validate-time.mjs [--runs N] FILE...
//
// Prints one line per file: name, MB, then the best of N runs (default 10, after two
// unmeasured ones) in CPU milliseconds of this process (validation runs on the calling
// thread; CPU time leaves out what other processes on a busy machine take) and in wall
// milliseconds, and MB/s of the best CPU time. A module this Node does not validate (a
// feature it lacks) is reported as such.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

let runs = 10;
const args = process.argv.slice(2);
if (args[0] === '--runs') {
  runs = Number(args[1]);
  args.splice(0, 2);
}
if (args.length === 0 || !(runs > 0)) {
  process.stderr.write('usage: node scripts/validate-time.mjs [--runs N] FILE...\n');
  process.exit(2);
}
for (const file of args) {
  const bytes = readFileSync(file);
  const mb = bytes.length / 1e6;
  const name = basename(file).padEnd(40);
  let cpu = Infinity;
  let wall = Infinity;
  let valid = true;
  for (let i = 0; i < runs + 2 && valid; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    valid = WebAssembly.validate(bytes);
    const ns = Number(process.hrtime.bigint() - t0);
    const c = process.cpuUsage(c0);
    if (i >= 2) {
      cpu = Math.min(cpu, (c.user + c.system) / 1e3);
      wall = Math.min(wall, ns / 1e6);
    }
  }
  if (!valid) {
    console.log(`${name} ${mb.toFixed(2).padStart(7)} MB  does not validate in Node ${process.versions.node}`);
    continue;
  }
  console.log(`${name} ${mb.toFixed(2).padStart(7)} MB ${cpu.toFixed(1).padStart(9)} cpu-ms ${wall.toFixed(1).padStart(9)} ms`
    + ` ${(mb / cpu * 1000).toFixed(0).padStart(6)} MB/s`);
}
