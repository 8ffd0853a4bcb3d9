// End-to-end tests in Debian's headless Chromium via playwright-core (never a browser download).
// Starts the `samtal` binary itself, runs every check at a desktop and a 390×844 phone viewport,
// stops the server with SIGTERM and expects a clean exit. Prints "N passed, M failed".
//   SAMTAL_BIN   server binary (default ../target/debug/samtal)
//   SAMTAL_SITE  site root     (default ../target/site)
//   SAMTAL_URL   test an already running server instead (no start/stop checks)
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const bin = resolve(root, process.env.SAMTAL_BIN ?? "target/debug/samtal");
const site = resolve(root, process.env.SAMTAL_SITE ?? "target/site");
const shots = join(here, "screenshots");
mkdirSync(shots, { recursive: true });

// Issue 10's budget for all JS + WASM a page loads (islands only; 320 KB gzip before islands);
// see docs/decisions.md "Islands and plain forms". It may only grow by a decision, never by drift.
const BUDGET_GZIP = 120 * 1024;
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  // Tenants live at <slug>.localhost; pin that to the IPv4 loopback the server listens on.
  "--host-resolver-rules=MAP *.localhost 127.0.0.1"];
const VIEWPORTS = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
];

let passed = 0, failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`  ok    ${name}`);
  } catch (e) {
    failed++;
    console.log(`  FAIL  ${name}\n        ${String(e?.stack ?? e).split("\n").slice(0, 4).join("\n        ")}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

// --- server ----------------------------------------------------------------------------------
// A fresh data directory: the demo tenant (created by the server), a second tenant to prove
// isolation, and a disabled one.
let server = null, base = process.env.SAMTAL_URL, port;
const dataDir = mkdtempSync(join(tmpdir(), "samtal-e2e-"));
if (!base) {
  server = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--site-root", site, "--data-dir", dataDir,
    "--base-domain", "localhost", "--create-demo-tenant", "--generate-master-key"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SAMTAL_LOG_FORMAT: "json" } });
  server.stderr.on("data", (d) => { if (process.env.E2E_VERBOSE) process.stderr.write(d); });
  port = await new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error("server did not start within 30 s")), 30000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/running at http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    server.on("exit", (code) => fail(new Error(`server exited early with ${code}`)));
  });
  base = `http://demo.localhost:${port}`;
  // Created by the CLI while the server runs: the catalog is shared between processes. The
  // server made a development key; other commands use it only when told to.
  const cli = (...args) => execFileSync(bin, [...args, "--data-dir", dataDir, "--dev-master-key"], { stdio: "pipe" });
  cli("tenant", "create", "other", "--name", "Other AB");
  cli("tenant", "create", "closed", "--name", "Closed AB");
  cli("tenant", "disable", "closed");
} else {
  port = Number(new URL(base).port);
}
const tenantUrl = (slug) => `http://${slug}.localhost:${port}`;
// The demo accounts the server made, with their one-time random passwords (0600 file).
const demo = {};
if (!process.env.SAMTAL_URL) {
  for (const line of readFileSync(join(dataDir, "demo-accounts.txt"), "utf8").split("\n")) {
    const m = line.trim().match(/^(admin|manager|employee)\s+(\S+)\s+(\S+)$/);
    if (m) demo[m[1]] = { email: m[2], password: m[3] };
  }
}

/** GET over loopback with an explicit Host header (Node's resolver knows no *.localhost). */
function get(path, { host = `demo.localhost:${port}`, headers = {} } = {}) {
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { host, ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}
console.log(`e2e: testing ${base}`);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });

/** A fresh browser context. The journeys read English words, so a context has picked English
 *  (the language cookie) unless `lang` says otherwise; `lang: null` leaves the organisation's
 *  default (Swedish). */
async function newPage(vp, { lang = "en", ...opts } = {}) {
  const context = await browser.newContext({ ...vp, viewport: vp.viewport, ...opts });
  if (lang) {
    await context.addCookies(["demo", "other", "closed"].map((slug) =>
      ({ name: "samtal_lang", value: lang, url: tenantUrl(slug) })));
  }
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  // ERR_ABORTED is a request the page itself dropped by navigating on (a favicon, say).
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText ?? "";
    if (!why.includes("ERR_ABORTED")) problems.push(`requestfailed: ${r.url()} ${why}`);
  });
  return { context, page, problems };
}
async function noHorizontalScroll(page) {
  const { sw, cw } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert(sw <= cw, `horizontal scroll: scrollWidth ${sw} > clientWidth ${cw}`);
}

/** Signs in through the form, with the keyboard: type, Tab, type, Enter. */
async function signIn(page, email, password, { expectOk = true } = {}) {
  await page.goto(base + "/sign-in");
  await page.waitForSelector('.app[data-hydrated="true"]');
  await page.focus("#email");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  if (expectOk) await page.waitForSelector("#account-link", { timeout: 15000 });
}
const AXE = readFileSync(join(here, "node_modules/axe-core/axe.min.js"), "utf8");
/** axe-core's serious and critical findings on the page as it is now (injected through the
 *  DevTools protocol, which the page's CSP does not govern). */
async function axeFindings(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
}
/** The words a person reads or hears on the page: text nodes, accessible names and the title.
 *  Left out: what is data, not UI (names, e-mail addresses, times, ids, zone names, the
 *  technical names beside the words) and anything marked with a language of its own. */
async function pageWords(page) {
  return page.evaluate(() => {
    const data = "script, style, noscript, code, .tech, .brand, #org-name, #account-link, [lang]:not(html), " +
      "#log-table tbody, #log-user option, #users .row-main strong, #users .row-meta, #sessions .row-main, " +
      "#sessions .row-meta, #org-time-zone, h1:has(+ #start-role), #people, #units .row-main, #units select, " +
      "#new-unit-parent, #rounds .row-link, #rounds .unit-name, #templates .row-link, #round-template, #round-unit, " +
      "#erasures .row-link";
    const words = document.title.split(" · ");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = node.textContent.trim();
      if (/\p{L}{2,}/u.test(text) && !node.parentElement.closest(data)) words.push(text);
    }
    for (const el of document.querySelectorAll("[aria-label], [placeholder], [data-label]")) {
      if (el.closest(data)) continue;
      for (const a of ["aria-label", "data-label"]) if (el.getAttribute(a)) words.push(el.getAttribute(a));
    }
    return words;
  });
}
// Words that are the same in Swedish and English.
const SAME_IN_BOTH = new Set(["Samtal", "Start", "Organisation", "Man"]);
const ALL_PAGES = ["/", "/sign-in", "/set-password", "/account", "/admin/users", "/admin/logbook", "/admin/organisation",
  "/people", "/people/new", "/people/import", "/admin/units", "/talks", "/admin/rounds", "/admin/talk-templates", "/admin/erasures"];
/** A personnummer that passes every check: `yyyymmdd` and a three-digit birth number, with the
 *  Luhn check digit of the last nine digits computed. */
function personnummer(yyyymmdd, serial) {
  const nine = (yyyymmdd.slice(2) + String(serial).padStart(3, "0")).split("").map(Number);
  const sum = nine.reduce((s, d, i) => { const p = d * (i % 2 === 0 ? 2 : 1); return s + Math.floor(p / 10) + (p % 10); }, 0);
  return `${yyyymmdd}-${String(serial).padStart(3, "0")}${(10 - (sum % 10)) % 10}`;
}
// Pages show times in the organisation's zone (Europe/Stockholm by default), zone named.
const ISO_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (CET|CEST)/;

for (const vp of VIEWPORTS) {
  console.log(`[${vp.name} ${vp.viewport.width}×${vp.viewport.height}]`);

  await check(`${vp.name}: server-rendered page has real content without JavaScript`, async () => {
    const { context, page } = await newPage(vp, { javaScriptEnabled: false });
    const res = await page.goto(base + "/");
    assert(res.status() === 200, `status ${res.status()}`);
    const h1 = await page.textContent("h1");
    assert(h1.includes("Salary talks"), `h1 was ${h1}`);
    assert(await page.getAttribute(".app", "data-hydrated") === "false", "claims hydration without JS");
    assert(await page.getAttribute("#start-sign-in", "href") === "/sign-in", "sign-in link");
    await context.close();
  });

  await check(`${vp.name}: islands hydrate with no console errors; pages without islands carry no island`, async () => {
    const { context, page, problems } = await newPage(vp);
    await page.goto(base + "/");
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 15000 });
    assert(await page.locator("leptos-island").count() === 0, "the start page holds an island");
    await page.screenshot({ path: join(shots, `home-${vp.name}.png`), fullPage: true });
    await page.goto(base + "/sign-in");
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 15000 });
    assert(await page.locator("leptos-island").count() === 1, "the sign-in form is not one island");
    assert(problems.length === 0, problems.join("; "));
    await context.close();
  });

  await check(`${vp.name}: no horizontal scroll`, async () => {
    const { context, page } = await newPage(vp);
    await page.goto(base + "/");
    await noHorizontalScroll(page);
    await context.close();
  });

  await check(`${vp.name}: keyboard only — skip link, then sign-in with Enter`, async () => {
    const { context, page, problems } = await newPage(vp);
    await page.goto(base + "/");
    await page.waitForSelector('.app[data-hydrated="true"]');
    await page.keyboard.press("Tab");
    assert(await page.evaluate(() => document.activeElement?.classList.contains("skip-link")),
      "first Tab does not reach the skip link");
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.id === "start-sign-in");
    }
    assert(reached, "Tab never reaches the sign-in link");
    await Promise.all([page.waitForURL(/\/sign-in$/), page.keyboard.press("Enter")]);
    await page.waitForSelector("#email");
    assert(problems.length === 0, problems.join("; "));
    await context.close();
  });

  await check(`${vp.name}: unknown page gets a 404 in plain words`, async () => {
    const { context, page } = await newPage(vp);
    const res = await page.goto(base + "/no/such/page");
    assert(res.status() === 404, `status ${res.status()}`);
    assert((await page.textContent("h1")).includes("Page not found"), "404 heading");
    await noHorizontalScroll(page);
    await page.screenshot({ path: join(shots, `404-${vp.name}.png`) });
    await context.close();
  });

  await check(`${vp.name}: each tenant sees its own organisation, nobody else's`, async () => {
    const { context, page, problems } = await newPage(vp);
    await page.goto(base + "/");
    await page.waitForSelector('.app[data-hydrated="true"]');
    assert((await page.textContent("#org-name")).includes("Demo AB"), "demo name");
    await page.goto(tenantUrl("other") + "/");
    await page.waitForSelector('.app[data-hydrated="true"]');
    const other = await page.textContent("#org-name");
    assert(other.includes("Other AB") && !other.includes("Demo"), `other shows ${other}`);
    assert(problems.length === 0, problems.join("; "));
    await context.close();
  });

  if (demo.admin) {
    await check(`${vp.name}: sign in, session cookie attributes, account page, sign out`, async () => {
      const { context, page, problems } = await newPage(vp);
      await signIn(page, demo.employee.email, demo.employee.password);
      assert((await page.textContent("#account-link")).includes("Erik Eriksson"), "name in header");
      const cookie = (await context.cookies()).find((c) => c.name === "__Host-samtal");
      assert(cookie && cookie.httpOnly && cookie.secure && cookie.sameSite === "Strict" && cookie.path === "/",
        `cookie ${JSON.stringify(cookie)}`);
      assert(!(await page.$('a[href="/admin/users"]')), "employee sees admin links");
      await page.click("#account-link");
      await page.waitForSelector("#sessions li");
      assert((await page.textContent("#sessions")).includes("(this device)"), "current session listed");
      assert(ISO_TIME.test(await page.textContent("#sessions")), "ISO times in the session list");
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(shots, `account-${vp.name}.png`), fullPage: true });
      await page.goto(base + "/admin/users");
      assert((await page.textContent("main h1")).includes("No access"), "employee reaches admin page");
      await page.click("#sign-out");
      await page.waitForSelector("#sign-in-link");
      assert((await page.textContent("main")).includes("You are signed out"), "signed-out message");
      assert(!(await context.cookies()).some((c) => c.name === "__Host-samtal"), "cookie kept after sign-out");
      await page.goto(base + "/account");
      assert((await page.textContent("main")).includes("Please sign in"), "account page without session");
      // Signing in from there leads back to the page that asked.
      await page.waitForSelector('.app[data-hydrated="true"]');
      await page.click("#gate-sign-in");
      await page.waitForSelector('.app[data-hydrated="true"]');
      await page.fill("#email", demo.employee.email);
      await page.fill("#password", demo.employee.password);
      await page.press("#password", "Enter");
      await page.waitForSelector("#sessions li", { timeout: 15000 });
      assert(new URL(page.url()).pathname === "/account", `landed on ${page.url()}`);
      assert(problems.length === 0, problems.join("; "));
      await context.close();
    });

    await check(`${vp.name}: wrong password and unknown e-mail get the same message`, async () => {
      const { context, page, problems } = await newPage(vp);
      const messages = [];
      for (const email of [demo.manager.email, `nobody-${vp.name}@demo.example`]) {
        await signIn(page, email, "not the right password", { expectOk: false });
        await page.waitForSelector("#sign-in-result [role=alert]", { timeout: 15000 });
        messages.push(await page.textContent("#sign-in-result"));
      }
      assert(messages[0] === messages[1] && messages[0].includes("E-mail or password is wrong"), messages.join(" | "));
      assert(!(await context.cookies()).some((c) => c.name === "__Host-samtal"), "a failed sign-in set a cookie");
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(shots, `sign-in-error-${vp.name}.png`), fullPage: true });
      // Console errors here are the 401 answers themselves, which Chromium logs as failed loads.
      assert(problems.every((p) => p.includes("401")), problems.join("; "));
      await context.close();
    });

    await check(`${vp.name}: admin invites, the person sets a password from the link and signs in`, async () => {
      const admin = await newPage(vp);
      await signIn(admin.page, demo.admin.email, demo.admin.password);
      await admin.page.click('a[href="/admin/users"]');
      await admin.page.waitForSelector("#invite-email");
      await admin.page.waitForSelector("#users li");
      const email = `new-${vp.name}@demo.example`;
      await admin.page.fill("#invite-email", email);
      await admin.page.fill("#invite-name", `New ${vp.name}`);
      await admin.page.selectOption("#invite-role", "manager");
      await Promise.all([admin.page.waitForURL(/done=invited/), admin.page.click("#invite-submit")]);
      const link = await admin.page.inputValue("#new-link-value");
      assert(link.startsWith(base + "/set-password#token="), `link ${link}`);
      assert(!admin.page.url().includes("token"), `the token in the address: ${admin.page.url()}`);
      assert((await admin.page.textContent("#new-link")).includes(`For New ${vp.name}.`), "whose link");
      assert((await admin.page.textContent(`#users li[data-email="${email}"]`)).includes("Invited"), "status");
      await noHorizontalScroll(admin.page);
      await admin.page.screenshot({ path: join(shots, `users-link-${vp.name}.png`), fullPage: true });
      // Shown once: a reload has no link.
      await admin.page.reload();
      await admin.page.waitForSelector(`#users li[data-email="${email}"]`);
      assert((await admin.page.$("#new-link")) === null, "the link survived a reload");
      await noHorizontalScroll(admin.page);
      await admin.page.screenshot({ path: join(shots, `users-${vp.name}.png`), fullPage: true });
      assert(admin.problems.length === 0, admin.problems.join("; "));
      await admin.context.close();

      const person = await newPage(vp);
      await person.page.goto(link);
      await person.page.waitForSelector("#new-password");
      const pw = `a long walk by the sea ${vp.name}`;
      await person.page.fill("#new-password", "short");
      await person.page.fill("#repeat-password", "short");
      await person.page.click("#set-password-submit");
      await person.page.waitForSelector("#set-password-result [role=alert]");
      assert((await person.page.textContent("#set-password-result")).includes("12"), "policy message");
      await person.page.fill("#new-password", pw);
      await person.page.fill("#repeat-password", pw);
      await person.page.click("#set-password-submit");
      await person.page.waitForSelector("#password-saved", { timeout: 15000 });
      await noHorizontalScroll(person.page);
      // The link works once.
      await person.page.goto(link);
      await person.page.reload();
      await person.page.waitForSelector("#new-password");
      await person.page.fill("#new-password", pw + " again");
      await person.page.fill("#repeat-password", pw + " again");
      await person.page.click("#set-password-submit");
      await person.page.waitForSelector("#set-password-result [role=alert]");
      assert((await person.page.textContent("#set-password-result")).includes("invalid, already used or expired"), "reuse");
      await signIn(person.page, email, pw);
      assert((await person.page.textContent("#account-link")).includes(`New ${vp.name}`), "signed in as the new person");
      assert(person.problems.every((p) => p.includes("400") || p.includes("401")), person.problems.join("; "));
      await person.context.close();
    });

    await check(`${vp.name}: admin logbook filters by action, pages and exports CSV`, async () => {
      const { context, page, problems } = await newPage(vp, { acceptDownloads: true });
      await signIn(page, demo.admin.email, demo.admin.password);
      await page.goto(base + "/admin/logbook");
      await page.waitForSelector("#log-table");
      const today = new Date().toISOString().slice(0, 10);
      await page.fill("#log-from", today);
      await page.fill("#log-to", today);
      await page.selectOption("#log-action", "auth.sign_in.failed");
      await Promise.all([page.waitForURL(/action=auth\.sign_in\.failed/), page.click("#log-apply")]);
      await page.waitForSelector('.app[data-hydrated="true"]');
      assert(await page.inputValue("#log-from") === today, "the filter form forgot the date");
      await page.waitForFunction(() => {
        const t = document.querySelector("#log-table tbody");
        return t && [...t.querySelectorAll("tr")].every((r) => r.textContent.includes("auth.sign_in.failed"));
      }, null, { timeout: 10000 });
      const text = await page.textContent("#log-table");
      assert(!text.includes("@"), "the logbook shows an e-mail address");
      // The filter's dates are UTC days; the table shows Stockholm time, which may be a day on.
      const stockholmToday = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(new Date());
      assert(ISO_TIME.test(text) && (text.includes(today) || text.includes(stockholmToday)), "ISO dates from today");
      assert((await page.textContent("#log-table thead")).includes("Europe/Stockholm"), "the zone is not named");
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(shots, `logbook-${vp.name}.png`), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#log-export")]);
      assert(download.suggestedFilename() === "samtal-logbook.csv", download.suggestedFilename());
      assert(new URL(page.url()).pathname === "/admin/logbook", `the page left: ${page.url()}`);
      const csv = readFileSync(await download.path(), "utf8");
      const lines = csv.trim().split("\n");
      assert(lines[0].startsWith('"seq",'), `header ${lines[0]}`);
      assert(lines.length > 1 && lines.slice(1).every((l) => l.includes("auth.sign_in.failed")), "filtered export");
      assert(problems.length === 0, problems.join("; "));
      await context.close();
    });

    await check(`${vp.name}: every page fits 390 px and labels every input`, async () => {
      const { context, page } = await newPage(vp);
      await signIn(page, demo.admin.email, demo.admin.password);
      for (const path of ALL_PAGES) {
        await page.goto(base + path);
        await page.waitForSelector('.app[data-hydrated="true"]');
        await page.waitForTimeout(300);
        await noHorizontalScroll(page);
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select")]
          .filter((i) => i.type !== "hidden" && !(i.id && document.querySelector(`label[for="${i.id}"]`)) && !i.getAttribute("aria-label"))
          .map((i) => i.id || i.name || i.outerHTML.slice(0, 60)));
        assert(unlabelled.length === 0, `${path}: unlabelled ${unlabelled.join(", ")}`);
      }
      // Pages reached from a list: a copy of a ready template (with its editing forms) and a
      // round's progress.
      for (const [list, link] of [["/admin/talk-templates", "#templates .row-actions button"], ["/admin/rounds", "#rounds .row-link"]]) {
        await page.goto(base + list);
        await Promise.all([page.waitForURL(/\/[0-9a-f]{32}(\?|$)/), page.click(link)]);
        await noHorizontalScroll(page);
        for (const d of await page.$$("details")) await d.evaluate((el) => { el.open = true; });
        await noHorizontalScroll(page);
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select, textarea")]
          .filter((i) => i.type !== "hidden" && !(i.id && document.querySelector(`label[for="${i.id}"]`)))
          .map((i) => i.id || i.name));
        assert(unlabelled.length === 0, `${page.url()}: unlabelled ${unlabelled.join(", ")}`);
        const small = await page.$$eval("button, summary, a.row-link", (els) => els
          .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44).map((el) => el.textContent.trim()));
        assert(small.length === 0, `${page.url()}: tap targets under 44 px: ${small.join(", ")}`);
      }
      await context.close();
    });
  }

  if (demo.admin) {
    await check(`${vp.name}: Swedish by default, English by a plain form that survives reloads; nothing untranslated; axe finds nothing serious`, async () => {
      const { context, page, problems } = await newPage(vp, { lang: null });
      await signIn(page, demo.admin.email, demo.admin.password);
      const pages = [...ALL_PAGES, "/no/such/page"];
      const seen = { sv: {}, en: {} };
      const findings = [];
      for (const lang of ["sv", "en"]) {
        if (lang === "en") {
          await page.goto(base + "/admin/logbook?page=0");
          await Promise.all([page.waitForURL(/\/admin\/logbook\?page=0$/), page.click("#lang-en")]);
          assert(await page.getAttribute("html", "lang") === "en", "the switch did not take");
          assert(await page.getAttribute("#lang-en", "aria-pressed") === "true", "English is not shown as chosen");
        }
        for (const path of pages) {
          await page.goto(base + path);
          await page.waitForSelector('.app[data-hydrated="true"]');
          assert(await page.getAttribute("html", "lang") === lang, `${path}: html lang is not ${lang}`);
          seen[lang][path] = await pageWords(page);
          for (const f of await axeFindings(page)) findings.push(`${lang} ${path}: ${f}`);
        }
      }
      assert(seen.sv["/sign-in"].includes("Logga in") && seen.en["/sign-in"].includes("Sign in"), "the sign-in page in both");
      const untranslated = [];
      for (const path of pages) {
        const en = new Set(seen.en[path]);
        for (const w of seen.sv[path]) if (en.has(w) && !SAME_IN_BOTH.has(w)) untranslated.push(`${path}: “${w}”`);
      }
      assert(untranslated.length === 0, `untranslated: ${[...new Set(untranslated)].join("; ")}`);
      assert(findings.length === 0, findings.join("\n"));
      // The language lives in this context's cookie only, so nothing to undo. The 404 page's own
      // status is the one failed load expected.
      const unexpected = problems.filter((p) => !p.includes("status of 404"));
      assert(unexpected.length === 0 && problems.length <= 2, problems.join("; "));
      await context.close();
    });

    await check(`${vp.name}: the main navigation holds the role's own places, thumb-sized; a phone has it at the bottom`, async () => {
      const navOf = async (who) => {
        const { context, page } = await newPage(vp);
        await signIn(page, demo[who].email, demo[who].password);
        await page.goto(base + "/account");
        const links = await page.$$eval(".main-nav a", (as) => as.map((a) => {
          const r = a.getBoundingClientRect();
          return { href: a.getAttribute("href"), h: r.height, w: r.width, bottom: r.bottom, current: a.getAttribute("aria-current") };
        }));
        const height = page.viewportSize().height;
        await page.screenshot({ path: join(shots, `nav-${who}-${vp.name}.png`) });
        await context.close();
        return { links, height };
      };
      const admin = await navOf("admin");
      assert(["/", "/admin/users", "/admin/logbook", "/admin/organisation"].every((h) => admin.links.some((l) => l.href === h)), JSON.stringify(admin.links));
      const employee = await navOf("employee");
      assert(!employee.links.some((l) => l.href.startsWith("/admin")), "an employee is shown admin places");
      assert(employee.links.some((l) => l.href === "/account" && l.current === "page"), "the current page is not marked");
      for (const l of [...admin.links, ...employee.links]) assert(l.h >= 44 && l.w >= 44, `tap target ${l.w}×${l.h}`);
      if (vp.viewport.width < 768) {
        assert(admin.links.every((l) => Math.abs(l.bottom - admin.height) < 2), "the phone's navigation is not at the bottom edge");
      }
    });

    await check(`${vp.name}: an admin imports a CSV, finds a person by personnummer and reveals it (logged)`, async () => {
      const { context, page, problems } = await newPage(vp);
      await signIn(page, demo.admin.email, demo.admin.password);
      const serial = vp.name === "desktop" ? 310 : 320;
      const boss = personnummer("19780214", serial), report = personnummer("19910630", serial + 1);
      const csv = "Personnummer;Förnamn;Efternamn;Enhet;Befattning;Chefens personnummer;Startdatum;Sysselsättningsgrad;Månadslön\n" +
        `${report};Rut;Rapport${vp.name};Import;Analytiker;${boss};2025-02-01;100;45 500\n` +
        `${boss};Bengt;Boss${vp.name};Import;Chef;;2020-01-01;100;70000\n`;
      await page.goto(base + "/people/import");
      await page.waitForSelector('.app[data-hydrated="true"]');
      // The file picker reads the file into the form (an island); the form posts it.
      await page.setInputFiles("#import-file", { name: "personal.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      await page.waitForFunction(() => document.querySelector("#import-csv").value.includes("Rut"), null, { timeout: 5000 });
      await Promise.all([page.waitForURL(/\/people\/import\?step=check$/), page.click("#import-check")]);
      const summary = await page.textContent("#import-summary");
      assert(summary.includes("2 new") && summary.includes("0 rows with problems"), summary);
      assert(!(await page.content()).includes(report.slice(0, 8)), "the preview shows a personnummer");
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(shots, `import-${vp.name}.png`), fullPage: true });
      await Promise.all([page.waitForURL(/done=imported/), page.click("#import-confirm")]);
      assert((await page.textContent("#notice")).includes("import is done"), "no word of the import");
      // Exact search by personnummer: a post; the number never appears in the address.
      await page.goto(base + "/people");
      await page.fill("#find-pnr", report);
      await Promise.all([page.waitForURL(/\/people\/[0-9a-f]{32}$/), page.click("#find-submit")]);
      assert(!page.url().includes(report.slice(0, 8)), page.url());
      assert((await page.textContent("h1")).includes(`Rut Rapport${vp.name}`), await page.textContent("h1"));
      assert((await page.textContent("#pnr")).endsWith("-****"), "the number is not masked");
      assert((await page.textContent("#employments")).includes(`Bengt Boss${vp.name}`), "the manager from the file");
      await page.waitForSelector('.app[data-hydrated="true"]');
      await page.click("#pnr-reveal");
      await page.waitForSelector("#pnr-revealed");
      assert((await page.textContent("#pnr-revealed")) === report, "the revealed number");
      await noHorizontalScroll(page);
      await page.goto(base + `/admin/logbook?action=person.personnummer.revealed`);
      assert((await page.textContent("#log-table")).includes("person.personnummer.revealed"), "the reveal is not logged");
      // Access (GDPR Art. 15/20): the admin answers Rut's request with the number typed — the
      // file, then the page to print.
      await page.goto(base + "/people");
      await page.fill("#find-pnr", report);
      await Promise.all([page.waitForURL(/\/people\/[0-9a-f]{32}$/), page.click("#find-submit")]);
      await page.fill("#export-pnr", report);
      const [exported] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
      assert(exported.suggestedFilename() === "samtal-person-data.json", exported.suggestedFilename());
      const data = JSON.parse(readFileSync(await exported.path(), "utf8"));
      assert(data.type === "samtal.person-export" && data.person.personnummer === report, JSON.stringify(data.person));
      assert(data.employments.length === 1 && data.employments[0].manager === `Bengt Boss${vp.name}`, JSON.stringify(data.employments));
      await page.fill("#export-pnr", report);
      await Promise.all([page.waitForURL(/\/api\/gdpr\/export$/), page.click("#export-html")]);
      assert((await page.textContent("h1")).includes(`Rut Rapport${vp.name}`), "the print view");
      assert((await page.textContent("#export-person")).includes(report), "the print view's number");
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(shots, `person-export-${vp.name}.png`), fullPage: true });
      // One's own data from the account page.
      await page.goto(base + "/account");
      const [mine] = await Promise.all([page.waitForEvent("download"), page.click("#my-data-json")]);
      const own = JSON.parse(readFileSync(await mine.path(), "utf8"));
      assert(own.type === "samtal.person-export" && own.accounts.some((a) => a.email === demo.admin.email), JSON.stringify(own.accounts));
      // Erasure (GDPR Art. 17): found by personnummer again, what goes is counted first, the
      // number typed again confirms, and the signed receipt downloads.
      await page.goto(base + "/people");
      await page.fill("#find-pnr", report);
      await Promise.all([page.waitForURL(/\/people\/[0-9a-f]{32}$/), page.click("#find-submit")]);
      assert((await page.textContent('#erase-erased [data-kind="employments"]')).trim() === "1", "the preview's count");
      await page.fill("#erase-pnr", boss);
      await Promise.all([page.waitForURL(/why=erasure_mismatch/), page.click("#erase-submit")]);
      assert((await page.textContent("h1")).includes(`Rut Rapport${vp.name}`), "a wrong number erased someone");
      await page.fill("#erase-pnr", report);
      await noHorizontalScroll(page);
      await Promise.all([page.waitForURL(/\/admin\/erasures\/[0-9a-f]{32}\?done=person_erased$/), page.click("#erase-submit")]);
      assert(await page.$("#receipt-genuine"), "the receipt does not verify");
      assert(!(await page.content()).includes("Rapport"), "the receipt names the person");
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(shots, `erasure-receipt-${vp.name}.png`), fullPage: true });
      const [receipt] = await Promise.all([page.waitForEvent("download"), page.click("#receipt-download button")]);
      assert(/^erasure-receipt-[0-9a-f]{32}\.json$/.test(receipt.suggestedFilename()), receipt.suggestedFilename());
      const signed = JSON.parse(readFileSync(await receipt.path(), "utf8"));
      assert(signed.type === "samtal.erasure-receipt" && signed.mac.startsWith("hmac-sha256:"), JSON.stringify(signed));
      assert(signed.erased.employments === 1 && !JSON.stringify(signed).includes(report.slice(0, 8)), JSON.stringify(signed));
      await page.goto(base + "/people");
      await page.fill("#find-pnr", report);
      await Promise.all([page.waitForURL(/why=no_person/), page.click("#find-submit")]);
      assert(problems.length === 0, problems.join("; "));
      await context.close();
    });

    await check(`${vp.name}: a manager sees only the people in their reporting line`, async () => {
      const { context, page, problems } = await newPage(vp);
      await signIn(page, demo.manager.email, demo.manager.password);
      await page.goto(base + "/people");
      const list = await page.textContent("#people");
      for (const name of ["Maja Magnusson", "Erik Eriksson", "Fatima Ali"]) assert(list.includes(name), `${name} missing`);
      for (const name of ["Lars Lindqvist", "Karin Karlsson", "Emma Engström"]) assert(!list.includes(name), `${name} shown to a manager outside her line`);
      assert(!(await page.$("#people-new")), "a manager may not add people");
      await noHorizontalScroll(page);
      const tap = await page.$$eval("#people .row-link", (as) => as.map((a) => a.getBoundingClientRect().height));
      assert(tap.every((h) => h >= 44), `tap targets ${tap}`);
      await page.screenshot({ path: join(shots, `people-manager-${vp.name}.png`), fullPage: true });
      await Promise.all([page.waitForURL(/\/people\/[0-9a-f]{32}$/), page.click("#people .row-link >> text=Erik Eriksson")]);
      assert((await page.textContent("#employments")).includes("Säljare"), "Erik's employment");
      assert(!(await page.$("#edit-person")) && !(await page.$("#pnr-reveal")), "a manager gets admin tools");
      await noHorizontalScroll(page);
      assert(problems.length === 0, problems.join("; "));
      await context.close();
    });

    await check(`${vp.name}: an admin sets the organisation's default language and time zone without JavaScript`, async () => {
      const { context, page } = await newPage(vp, { lang: null, javaScriptEnabled: false });
      await page.goto(base + "/sign-in");
      await page.fill("#email", demo.admin.email);
      await page.fill("#password", demo.admin.password);
      await Promise.all([page.waitForURL(base + "/"), page.click("form.card button[type=submit]")]);
      await page.goto(base + "/admin/organisation");
      assert(await page.inputValue("#org-time-zone") === "Europe/Stockholm", "default zone");
      await page.selectOption("#org-language", "en");
      await Promise.all([page.waitForURL(/done=settings/), page.click("#org-save")]);
      assert(await page.getAttribute("html", "lang") === "en", "the organisation's default did not change");
      assert((await page.textContent("#notice")).includes("Settings saved"), "settings notice");
      await page.selectOption("#org-language", "sv");
      await Promise.all([page.waitForURL(/done=settings/), page.click("#org-save")]);
      assert(await page.getAttribute("html", "lang") === "sv", "back to Swedish");
      await context.close();
    });
  }

  await check(`${vp.name}: unknown and disabled organisations get 404 and 403 pages`, async () => {
    const { context, page } = await newPage(vp);
    let res = await page.goto(tenantUrl("nobody") + "/");
    assert(res.status() === 404, `unknown: ${res.status()}`);
    // Before an organisation is known there is no default language: both, Swedish first.
    assert((await page.textContent("h1")).includes("Ingen organisation"), "unknown page in Swedish");
    assert((await page.textContent('[lang="en"] h2')).includes("No organisation"), "unknown page in English");
    await noHorizontalScroll(page);
    res = await page.goto(tenantUrl("closed") + "/");
    assert(res.status() === 403, `disabled: ${res.status()}`);
    assert((await page.textContent("h1")).includes("avstängt"), "disabled page");
    assert((await page.textContent('[lang="en"] h2')).includes("disabled"), "disabled page in English");
    assert(!(await page.content()).includes("Closed AB"), "disabled page leaks the name");
    await noHorizontalScroll(page);
    await page.screenshot({ path: join(shots, `403-${vp.name}.png`) });
    await context.close();
  });
}

if (demo.admin) {
  console.log("[talks]");
  await check("a manager at 390×844 writes a note through a dropped network; the employee confirms on desktop; the talk is locked for both", async () => {
    const phone = VIEWPORTS.find((v) => v.viewport.width < 768);
    const desk = VIEWPORTS.find((v) => v.viewport.width >= 768);
    const m = await newPage(phone);
    await signIn(m.page, demo.manager.email, demo.manager.password);
    await m.page.goto(base + "/talks");
    await m.page.waitForSelector('.app[data-hydrated="true"]');
    await noHorizontalScroll(m.page);
    await m.page.screenshot({ path: join(shots, "talks-manager-phone.png"), fullPage: true });
    const rows = await m.page.$$eval("#main .row-link", (as) => as.map((a) => a.getBoundingClientRect().height));
    assert(rows.length >= 4 && rows.every((h) => h >= 44), `talk rows ${rows}`);
    await Promise.all([m.page.waitForURL(/\/talks\/[0-9a-f]{32}$/), m.page.click("#main .row-link >> text=Erik Eriksson")]);
    const url = m.page.url();
    await m.page.waitForSelector('.app[data-hydrated="true"]');
    await noHorizontalScroll(m.page);
    const body = await m.page.textContent("#main");
    assert(body.includes("Jag har drivit två stora kundprojekt i mål."), "Erik's ready preparation is not shown to Maja");
    // The primary action sits in the lower half of the screen, thumb-sized.
    const ask = await m.page.$eval("#move-ask", (b) => { const r = b.getBoundingClientRect(); return { h: r.height, bottom: r.bottom }; });
    assert(ask.h >= 44 && ask.bottom > phone.viewport.height / 2 && ask.bottom <= phone.viewport.height, `the next step at ${JSON.stringify(ask)}`);
    await m.page.screenshot({ path: join(shots, "talk-manager-phone.png") });
    const state = () => m.page.textContent("#note-notes-state");
    const waitState = (prefix, timeout = 15000) => m.page.waitForFunction(
      (p) => (document.querySelector("#note-notes-state")?.textContent ?? "").startsWith(p), prefix, { timeout });
    await m.page.click("#note-notes");
    await m.page.keyboard.type("Vi gick igenom året. ");
    await waitState("Saved");
    await m.context.setOffline(true);
    await m.page.keyboard.type("Mål: en kurs i vår.");
    await waitState("No connection");
    assert((await m.page.inputValue("#note-notes")).endsWith("Mål: en kurs i vår."), "the text left the page");
    await m.context.setOffline(false);
    await waitState("Saved");
    await m.page.reload();
    await m.page.waitForSelector('.app[data-hydrated="true"]');
    const full = "Vi gick igenom året. Mål: en kurs i vår.";
    assert(await m.page.inputValue("#note-notes") === full, `after reload: ${await m.page.inputValue("#note-notes")}`);
    assert(await state() === "Saved", "a fresh page claims unsaved text");
    // Her private notes are a page of their own, saved the same way.
    await Promise.all([m.page.waitForURL(/\/private$/), m.page.click("#private-link")]);
    await m.page.waitForSelector('.app[data-hydrated="true"]');
    await noHorizontalScroll(m.page);
    await m.page.click("#note-private");
    await m.page.keyboard.type("Tänk på lönespannet.");
    await m.page.waitForFunction(() => (document.querySelector("#note-private-state")?.textContent ?? "").startsWith("Saved"), null, { timeout: 15000 });
    await m.page.goto(url);
    await m.page.waitForSelector('.app[data-hydrated="true"]');
    assert(!(await m.page.content()).includes("Tänk på lönespannet."), "the private note is on the talk's page");
    // Maja marks her preparation ready and asks Erik for his OK (plain forms).
    await Promise.all([m.page.waitForURL(/done=saved/), m.page.click("#prep-ready")]);
    await Promise.all([m.page.waitForURL(/done=moved/), m.page.click("#move-ask")]);
    assert(await m.page.getAttribute("#talk-status", "data-status") === "waiting", "not waiting on OK");
    assert(!(await m.page.$("#note-notes-state")), "the notes are still editable while waiting on OK");
    // Erik, on a desktop, reads and confirms.
    const e = await newPage(desk);
    await signIn(e.page, demo.employee.email, demo.employee.password);
    await e.page.goto(base + "/talks");
    assert((await e.page.textContent("#talks-own")).includes("Maja Magnusson"), "Erik's own talk is not listed");
    await e.page.goto(url);
    await e.page.waitForSelector('.app[data-hydrated="true"]');
    assert((await e.page.textContent("#note-notes")).includes(full), "Erik does not see the notes");
    assert(!(await e.page.content()).includes("private-link"), "the employee is shown the way to the private notes");
    assert(!(await e.page.content()).includes("Tänk på lönespannet."), "the employee sees the private note");
    const denied = await e.page.goto(url + "/private");
    assert(!(await e.page.content()).includes("Tänk på lönespannet."), `the private page for the employee (${denied.status()})`);
    await e.page.goto(url);
    await e.page.waitForSelector('.app[data-hydrated="true"]');
    await e.page.fill("#comment-sign_off", "Stämmer.");
    await Promise.all([e.page.waitForURL(/done=moved/), e.page.click("#move-sign_off")]);
    for (const p of [e.page, m.page]) {
      await p.goto(url);
      await p.waitForSelector('.app[data-hydrated="true"]');
      assert(await p.getAttribute("#talk-status", "data-status") === "completed", "not completed");
      assert(!(await p.$(".note-editor")) && !(await p.$("#prep-form")) && !(await p.$("#moves")), "a signed talk still takes edits");
      assert(await p.$("#addendum-form"), "no addendum form after sign-off");
    }
    await noHorizontalScroll(m.page);
    await Promise.all([m.page.waitForURL(/\/summary$/), m.page.click("#summary-link")]);
    const summary = await m.page.textContent("#summary");
    assert(summary.includes(full) && summary.includes("Stämmer.") && summary.includes("Confirmed"), "the summary");
    await noHorizontalScroll(m.page);
    await m.page.emulateMedia({ media: "print" });
    assert(await m.page.$eval(".main-nav", (n) => getComputedStyle(n).display) === "none", "the print view keeps the navigation");
    await m.page.screenshot({ path: join(shots, "talk-summary-print.png"), fullPage: true });
    assert(m.problems.filter((p) => !p.includes("ERR_INTERNET_DISCONNECTED")).length === 0, m.problems.join("; "));
    assert(e.problems.length === 0, e.problems.join("; "));
    await m.context.close();
    await e.context.close();
  });
}

if (demo.admin) {
  console.log("[without JavaScript]");
  await check("without JavaScript: an admin invites and exports; set a password from the link, sign in, change it, sign out; an admin changes a role and makes a reset link", async () => {
    const admin = await newPage(VIEWPORTS[1], { javaScriptEnabled: false, acceptDownloads: true });
    const post = (selector) => Promise.all([admin.page.waitForNavigation(), admin.page.click(selector)]);
    await admin.page.goto(base + "/sign-in");
    await admin.page.fill("#email", demo.admin.email);
    await admin.page.fill("#password", demo.admin.password);
    await post("form.card button[type=submit]");
    await admin.page.goto(base + "/admin/users");
    const email = "no-script@demo.example";
    await admin.page.fill("#invite-email", email);
    await admin.page.fill("#invite-name", "Nora Noscript");
    await post("#invite-submit");
    assert((await admin.page.textContent("#notice")).includes("Invited"), "invite notice");
    const link = await admin.page.inputValue("#new-link-value");
    assert(link.startsWith(base + "/set-password#token="), `link ${link}`);
    assert(!admin.page.url().includes("token"), `the token in the address: ${admin.page.url()}`);
    await noHorizontalScroll(admin.page);
    await admin.page.goto(base + "/admin/logbook?action=user.invited");
    const [download] = await Promise.all([admin.page.waitForEvent("download"), admin.page.click("#log-export")]);
    const csv = readFileSync(await download.path(), "utf8").trim().split("\n");
    assert(csv.length > 1 && csv.slice(1).every((l) => l.includes("user.invited")), "filtered export without scripts");
    await admin.context.close();

    const { context, page } = await newPage(VIEWPORTS[0], { javaScriptEnabled: false });
    const submit = (selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);
    await page.goto(link);
    await page.fill("#token", link.split("#token=")[1]);
    const pw = "a quiet walk through the forest";
    await page.fill("#new-password", pw);
    await page.fill("#repeat-password", pw);
    await submit("#set-password-submit");
    assert(new URL(page.url()).pathname === "/sign-in", `after set-password: ${page.url()}`);
    assert((await page.textContent("#notice")).includes("Your password is set"), "set-password notice");

    await page.fill("#email", email);
    await page.fill("#password", "not it at all, sorry");
    await submit("form.card button[type=submit]");
    assert((await page.textContent("#notice")).includes("E-mail or password is wrong"), "wrong-password notice");
    assert(!page.url().includes("password="), "a password in the address");
    await page.fill("#email", email);
    await page.fill("#password", pw);
    await submit("form.card button[type=submit]");
    assert((await page.textContent("#account-link")).includes("Nora Noscript"), "signed in without scripts");

    await page.goto(base + "/account");
    assert((await page.textContent("#sessions")).includes("(this device)"), "sessions listed without scripts");
    await page.fill("#current-password", pw);
    await page.fill("#new-password", pw + " and back");
    await page.fill("#repeat-password", pw + " and back again");
    await submit("#change-password-title ~ form button[type=submit]");
    assert((await page.getAttribute("#notice", "role")) === "alert", "mismatched passwords accepted");
    await page.fill("#current-password", pw);
    await page.fill("#new-password", pw + " and back");
    await page.fill("#repeat-password", pw + " and back");
    await submit("#change-password-title ~ form button[type=submit]");
    assert((await page.textContent("#notice")).includes("Password changed"), "change-password notice");

    await submit("#sign-out");
    assert((await page.textContent("main")).includes("You are signed out"), "signed out without scripts");
    assert(!(await context.cookies()).some((c) => c.name === "__Host-samtal"), "cookie kept after sign-out");

    // The admin, now without scripts too, makes Nora a manager.
    await page.goto(base + "/sign-in");
    await page.fill("#email", demo.admin.email);
    await page.fill("#password", demo.admin.password);
    await submit("form.card button[type=submit]");
    await page.goto(base + "/admin/users");
    const row = `#users li[data-email="${email}"]`;
    await page.selectOption(`${row} select[name=role]`, "manager");
    await submit(`${row} form:has(select) button[type=submit]`);
    assert((await page.textContent("#notice")).includes("Role changed"), "role notice");
    assert((await page.inputValue(`${row} select[name=role]`)) === "manager", "role not saved");
    await submit(`${row} button.end-sessions`);
    assert((await page.textContent("#notice")).includes("Signed out everywhere"), "end-sessions notice");
    await submit(`${row} button.reset`);
    assert((await page.textContent("#notice")).includes("Reset link made"), "reset notice");
    assert((await page.textContent("#new-link")).includes("For Nora Noscript."), "whose reset link");
    const reset = await page.inputValue("#new-link-value");
    assert(reset.startsWith(base + "/set-password#token=") && reset !== link, `reset link ${reset}`);
    await noHorizontalScroll(page);
    await context.close();
  });
}

if (demo.manager) {
  console.log("[throttling]");
  // Last of the browser checks: it makes this client IP wait, which would slow later sign-ins.
  await check("repeated wrong passwords get a clear wait message", async () => {
    const { context, page } = await newPage(VIEWPORTS[1]);
    let text = "";
    for (let i = 0; i < 8 && !text.includes("Too many attempts"); i++) {
      await signIn(page, demo.manager.email, `wrong guess number ${i}`, { expectOk: false });
      await page.waitForSelector("#sign-in-result [role=alert]", { timeout: 15000 });
      text = await page.textContent("#sign-in-result");
    }
    assert(/Too many attempts\. Wait \d+ seconds and try again\./.test(text), `last message: ${text}`);
    await page.screenshot({ path: join(shots, "throttled-phone.png") });
    await context.close();
  });
}

console.log("[http]");
await check("security headers, and the CSP nonce is the one on the hydration script", async () => {
  const res = await get("/");
  const csp = res.headers["content-security-policy"] ?? "";
  const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
  assert(nonce, `no nonce in CSP: ${csp}`);
  assert(!csp.includes("unsafe-inline") && csp.includes("frame-ancestors 'none'"), csp);
  const html = res.body.toString();
  assert(html.includes(`nonce="${nonce}"`), "hydration script does not carry the CSP nonce");
  for (const [h, v] of [["x-content-type-options", "nosniff"], ["referrer-policy", "same-origin"],
    ["cache-control", "no-store"]]) {
    assert(res.headers[h] === v, `${h}: ${res.headers[h]}`);
  }
  const again = await get("/");
  assert(!(again.headers["content-security-policy"] ?? "").includes(nonce), "nonce reused");
});

await check("bundle is served precompressed (br and gzip)", async () => {
  for (const enc of ["br", "gzip"]) {
    const res = await get("/pkg/samtal.wasm", { headers: { "accept-encoding": enc } });
    assert(res.status === 200, `status ${res.status}`);
    assert(res.headers["content-encoding"] === enc, `${enc}: got ${res.headers["content-encoding"]}`);
    assert(res.headers["content-type"] === "application/wasm", res.headers["content-type"]);
  }
});

await check(`hydrate bundle (js + wasm) within ${BUDGET_GZIP / 1024} KB gzip`, async () => {
  let raw = 0, gz = 0;
  for (const f of ["samtal.js", "samtal.wasm"]) {
    const data = readFileSync(join(site, "pkg", f));
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
    console.log(`        ${f}: ${data.length} B raw, ${gzipSync(data, { level: 9 }).length} B gzip, ` +
      `${statSync(join(site, "pkg", f + ".br")).size} B br`);
  }
  console.log(`        total: ${raw} B raw, ${gz} B gzip`);
  assert(gz <= BUDGET_GZIP, `bundle ${gz} B gzip exceeds ${BUDGET_GZIP}`);
});

await check("a missing bundle file is a plain 404 (no app render without a tenant)", async () => {
  for (const path of ["/favicon.ico", "/pkg/missing.js"]) {
    const res = await get(path);
    assert(res.status === 404, `${path}: ${res.status}`);
    assert(!res.body.toString().includes("data-hydrated"), `${path} rendered the app`);
  }
});

await check("GET /healthz answers JSON", async () => {
  const res = await get("/healthz", { host: `127.0.0.1:${port}` });
  const body = JSON.parse(res.body.toString());
  assert(res.status === 200 && body.status === "ok", JSON.stringify(body));
});

if (!process.env.SAMTAL_URL) {
  // The same server over its own TLS 1.3: Chromium speaks HTTP/2 to it (no Host header, the
  // tenant from :authority), signs in through the origin check with the https scheme, and is
  // sent the brotli bundle (browsers ask for br only over https).
  await check("over TLS 1.3 Chromium speaks h2, signs in, and gets the br bundle", async () => {
    const tlsDir = mkdtempSync(join(tmpdir(), "samtal-e2e-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-days", "2", "-keyout", join(tlsDir, "key.pem"), "-out", join(tlsDir, "cert.pem"), "-subj", "/CN=demo.localhost",
      "-addext", "subjectAltName=DNS:demo.localhost,DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE"],
      { stdio: "pipe" });
    const tls = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--site-root", site, "--data-dir", join(tlsDir, "data"),
      "--base-domain", "localhost", "--create-demo-tenant", "--generate-master-key",
      "--tls-cert", join(tlsDir, "cert.pem"), "--tls-key", join(tlsDir, "key.pem")],
      { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, SAMTAL_LOG_FORMAT: "json" } });
    try {
      const tlsPort = await new Promise((ok, fail) => {
        let out = "";
        const timer = setTimeout(() => fail(new Error("TLS server did not start within 30 s")), 30000);
        tls.stdout.on("data", (d) => {
          out += d;
          const m = out.match(/running at https:\/\/127\.0\.0\.1:(\d+)/);
          if (m) { clearTimeout(timer); ok(Number(m[1])); }
        });
      });
      const accounts = readFileSync(join(tlsDir, "data", "demo-accounts.txt"), "utf8");
      const [, email, password] = accounts.match(/^\s*admin\s+(\S+)\s+(\S+)\s*$/m);
      const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const problems = [];
      page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
      const tlsBase = `https://demo.localhost:${tlsPort}`;
      await page.goto(tlsBase + "/sign-in");
      await page.waitForSelector('.app[data-hydrated="true"]');
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType("navigation")[0];
        const wasm = performance.getEntriesByType("resource").find((r) => r.name.endsWith("samtal.wasm"));
        return { protocol: n.nextHopProtocol, wasm: wasm ? { protocol: wasm.nextHopProtocol, bytes: wasm.encodedBodySize } : null };
      });
      assert(nav.protocol === "h2", `the page came over ${nav.protocol}`);
      const brSize = statSync(join(site, "pkg", "samtal.wasm.br")).size;
      console.log(`        over TLS: ${nav.protocol}; samtal.wasm ${nav.wasm?.bytes} B on the wire (br file ${brSize} B)`);
      assert(nav.wasm && nav.wasm.bytes === brSize, `the wasm was not sent as br: ${JSON.stringify(nav.wasm)}`);
      await page.fill("#email", email);
      await page.fill("#password", password);
      await page.keyboard.press("Enter");
      await page.waitForSelector("#account-link", { timeout: 15000 });
      const cookies = await context.cookies(tlsBase);
      assert(cookies.some((c) => c.secure && c.httpOnly), `no secure session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
      await page.goto(tlsBase + "/account");
      assert((await page.textContent("h1")).length > 0, "the account page over h2");
      assert(problems.length === 0, problems.join("; "));
      await context.close();
    } finally {
      tls.kill("SIGTERM");
      rmSync(tlsDir, { recursive: true, force: true });
    }
  });
}

await browser.close();

if (server) {
  await check("SIGTERM stops the server cleanly", async () => {
    const code = await new Promise((ok) => {
      const timer = setTimeout(() => { server.kill("SIGKILL"); ok("timeout"); }, 10000);
      server.removeAllListeners("exit");
      server.on("exit", (c, s) => { clearTimeout(timer); ok(c ?? s); });
      server.kill("SIGTERM");
    });
    assert(code === 0, `exit ${code}`);
  });
}

rmSync(dataDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
