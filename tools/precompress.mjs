// Writes .gz and .br next to every text/wasm asset so the server can send them without
// compressing per request. Usage: node precompress.mjs DIR
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const [dir] = process.argv.slice(2);
const exts = new Set([".js", ".wasm", ".css", ".svg", ".html", ".json", ".txt"]);
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || !exts.has(extname(name))) continue;
  const data = readFileSync(path);
  writeFileSync(path + ".gz", gzipSync(data, { level: 9 }));
  writeFileSync(path + ".br", brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }));
}
