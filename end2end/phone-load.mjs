// Load-time figure (a benchmark, never a test): how long a phone on a slow network takes from
// navigation to a usable, hydrated sign-in page, with and without a warm cache.
// Network: 1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT (Lighthouse's "slow 4G"); CPU 4× slower.
//   node end2end/phone-load.mjs            starts target/debug/samtal with target/site
//   SAMTAL_URL=http://demo.localhost:3000 node end2end/phone-load.mjs
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.RUNS ?? 5);
let base = process.env.SAMTAL_URL, server = null;
const dataDir = mkdtempSync(join(tmpdir(), "samtal-load-"));
if (!base) {
  server = spawn(resolve(root, "target/debug/samtal"), ["serve", "--addr", "127.0.0.1:0", "--site-root",
    resolve(root, "target/site"), "--data-dir", dataDir, "--create-demo-tenant", "--generate-master-key"],
    { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, SAMTAL_LOG_FORMAT: "json" } });
  const port = await new Promise((ok) => {
    let out = "";
    server.stdout.on("data", (d) => { out += d; const m = out.match(/127\.0\.0\.1:(\d+)/); if (m) ok(m[1]); });
  });
  base = `http://demo.localhost:${port}`;
}
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox",
  "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP *.localhost 127.0.0.1"] });

async function measure(warm) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    // A test certificate when SAMTAL_URL is https (a server started with --tls-cert).
    ignoreHTTPSErrors: base.startsWith("https:") });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150,
    downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  if (warm) { await page.goto(base + "/sign-in"); await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 60000 }); }
  // The page's own clock: when the islands took over, from the navigation's start.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('.app[data-hydrated="true"]')) {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
  });
  const start = Date.now();
  await page.goto(base + "/sign-in", { waitUntil: "commit" });
  await page.waitForSelector("#email", { timeout: 60000 });
  const painted = Date.now() - start;
  await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 60000 });
  const hydrated = Date.now() - start;
  // Where the time went, in the browser's own timings (ms from the navigation's start).
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const res = (end) => performance.getEntriesByType("resource").find((r) => r.name.endsWith(end));
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return { html: nav.responseEnd, fcp: fcp ? fcp.startTime : NaN, js: res("samtal.js")?.responseEnd,
      wasm: res("samtal.wasm")?.responseEnd, island: window.__hydratedAt };
  });
  await context.close();
  return { painted, hydrated, ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v ?? NaN)])) };
}

for (const warm of [false, true]) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measure(warm));
  const med = (k) => all.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(all.length / 2)];
  console.log(`${warm ? "warm cache" : "cold cache"}: sign-in form visible ${med("painted")} ms, ` +
    `hydrated (usable) ${med("hydrated")} ms (median of ${runs}; slow 4G, 4× CPU); in the page: ` +
    `HTML ${med("html")} ms, first paint ${med("fcp")} ms, JS ${med("js")} ms, WASM ${med("wasm")} ms, ` +
    `islands hydrated ${med("island")} ms`);
}
await browser.close();
if (server) server.kill("SIGTERM");
rmSync(dataDir, { recursive: true, force: true });
