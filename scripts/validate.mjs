// Validates WebAssembly binaries with the V8 of the running Node, nothing enabled beyond its defaults.
//
//   node scripts/validate.mjs FILE...
//   node scripts/validate.mjs --stdin      (file names from standard input, one per line)
//
// Prints one line per file, in the order given:
//   OK <file>
//   INVALID <file>: <V8 message>     (the message of new WebAssembly.Module(bytes), on one line)
//   ERROR <file>: <message>          (the file could not be read)
// Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable file.
import { readFileSync } from 'node:fs';

function oneLine(text) {
  return String(text).replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function fileNames(argv) {
  if (argv.length === 1 && argv[0] === '--stdin') {
    return readFileSync(0, 'utf8').split(/\r?\n/).filter((line) => line.length > 0);
  }
  if (argv.length === 0 || argv.some((a) => a === '-h' || a === '--help')) {
    return null;
  }
  return argv;
}

const files = fileNames(process.argv.slice(2));
if (files === null) {
  process.stderr.write('usage: node scripts/validate.mjs FILE... | --stdin\n');
  process.exit(2);
}

let status = 0;
const out = [];
for (const file of files) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    out.push(`ERROR ${file}: ${oneLine(e.message)}`);
    status = 2;
    continue;
  }
  try {
    new WebAssembly.Module(bytes);
    out.push(`OK ${file}`);
  } catch (e) {
    out.push(`INVALID ${file}: ${oneLine(e.message)}`);
    if (status === 0) status = 1;
  }
  if (out.length >= 256) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
}
if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
process.exitCode = status;
