// The site `eventsmith docs` writes, used as a person would, in Debian's
// Chromium (never a browser of playwright's own):
//
//   pages      every page loads from file:// with no console error, no
//              failed request and nothing fetched from outside the site
//   links      every internal link resolves to a page, and its #fragment to
//              an element of that page
//   search     the home page's box finds a known field; the header form of
//              another page lands on its results; a result leads to the row
//   phone      at phone width no page scrolls sideways (tables scroll in
//              their own box)
//   a11y       axe-core (WCAG 2.1 A/AA: landmarks, headings, table headers,
//              contrast, names) on one page of each kind per source and on
//              the largest pages: no violation
//   hostile    the site of codegen/tests/docs/hostile (HTML and JavaScript
//              in every text a vendor controls): no script runs, no dialog
//              opens, no element or attribute comes from the fixture, its
//              text shows as text, in the pages and in search results
//   shots      three representative pages at desktop and phone widths, into
//              the screenshot folder, for review
//
// Usage: node check.mjs SITE HOSTILE_SITE SCREENSHOT_DIR
// Prints each check and a closing "N passed, N failed" line; exits 1 on
// any failure.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [site, hostile, shots] = process.argv.slice(2).map((p) => path.resolve(p));
if (!site || !hostile || !shots) {
  console.error("usage: node check.mjs SITE HOSTILE_SITE SCREENSHOT_DIR");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`PASS  ${name}`);
  } else {
    failed++;
    console.log(`FAIL  ${name}`);
    for (const p of problems.slice(0, 25)) console.log(`        ${p}`);
    if (problems.length > 25) console.log(`        … and ${problems.length - 25} more`);
  }
}

function files(dir, ext) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const rel = (root, file) => path.relative(root, file).split(path.sep).join("/");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

/// A fresh context whose every request outside file:// is refused and
/// recorded: nothing is fetched at view time.
async function context(options = {}) {
  const ctx = await browser.newContext(options);
  ctx.outside = [];
  await ctx.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    ctx.outside.push(url);
    return route.abort();
  });
  return ctx;
}

/// Opens `file` in `page`, collecting console errors, page errors and
/// failed requests into `problems` (prefixed with the page's path).
async function visit(page, root, file, problems) {
  const name = rel(root, file);
  const onConsole = (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${name}: console ${m.type()}: ${m.text()}`);
  };
  const onError = (e) => problems.push(`${name}: page error: ${e.message}`);
  const onFailed = (r) => problems.push(`${name}: request failed: ${r.url()} (${r.failure()?.errorText})`);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  page.on("requestfailed", onFailed);
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
  }
  page.off("console", onConsole);
  page.off("pageerror", onError);
  page.off("requestfailed", onFailed);
}

/// What a page shows that did not come from the writer: handlers, elements
/// the writer never emits, inline scripts, links out; and whether an
/// injected script ran. Runs in the page.
function injected() {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.getAttributeNames()) {
      if (a.startsWith("on")) bad.push(`${el.tagName} has ${a}`);
    }
  }
  for (const el of document.querySelectorAll("img, iframe, svg, b, object, embed")) {
    bad.push(`a <${el.tagName.toLowerCase()}> element`);
  }
  for (const s of document.querySelectorAll("script")) {
    if (!s.src || s.textContent.trim()) bad.push("an inline script");
  }
  for (const a of document.querySelectorAll("a[href]")) {
    if (!a.href.startsWith("file:")) bad.push(`a link to ${a.href}`);
  }
  return { pwned: typeof window.__pwned !== "undefined", bad, text: document.body ? document.body.innerText : "" };
}

/// axe-core's WCAG 2.1 A/AA and best-practice verdict on the open page.
async function audit(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
        first: v.nodes[0]?.target?.join(" "),
      })),
    };
  });
}

// ---------------------------------------------------------------- the checks can fail

{
  // A page with what the checks below look for: they must see it.
  const ctx = await context();
  const page = await ctx.newPage();
  await page.setContent(
    '<html><body><p style="color:#ddd;background:#fff">faint</p><img src="x" onerror="window.__pwned=1"><table><tr><td>x</td></tr></table></body></html>',
  );
  await page.waitForTimeout(100);
  const state = await page.evaluate(injected);
  const result = await audit(page);
  const ids = result.violations.map((v) => v.id);
  const problems = [];
  if (!state.pwned) problems.push("an injected onerror did not register as run");
  if (!state.bad.some((b) => b.includes("onerror"))) problems.push("an onerror attribute was not found");
  for (const rule of ["color-contrast", "image-alt", "landmark-one-main", "page-has-heading-one"]) {
    if (!ids.includes(rule)) problems.push(`axe did not report ${rule} (it reported ${ids.join(", ")})`);
  }
  check("the checks can fail: a planted script, low contrast, a missing alt, landmark and h1 are all caught", problems);
  await ctx.close();
}

// ---------------------------------------------------------------- every page

const pages = files(site, ".html");
{
  const ctx = await context();
  const page = await ctx.newPage();
  const loadProblems = [];
  const ids = new Map(); // file path -> Set of ids
  const links = []; // [from, absolute href]
  const start = Date.now();
  for (const file of pages) {
    await visit(page, site, file, loadProblems);
    const found = await page.evaluate(() => ({
      ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
      links: [...document.querySelectorAll("a[href], link[href], script[src], form[action]")].map(
        (e) => e.href || e.src || e.action,
      ),
    }));
    ids.set(file, new Set(found.ids));
    for (const l of found.links) links.push([rel(site, file), l]);
  }
  check(`${pages.length} pages load from file:// without console errors or failed requests (${((Date.now() - start) / 1000).toFixed(1)} s)`, loadProblems);
  check("nothing is fetched from outside the site", ctx.outside.map((u) => `fetched ${u}`));

  const linkProblems = [];
  for (const [from, href] of links) {
    if (!href.startsWith("file:")) {
      linkProblems.push(`${from}: external link ${href}`);
      continue;
    }
    const url = new URL(href);
    const target = fileURLToPath(url);
    if (!target.startsWith(site)) {
      linkProblems.push(`${from}: ${href} leaves the site`);
      continue;
    }
    if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
      linkProblems.push(`${from}: ${rel(site, target)} does not exist`);
      continue;
    }
    const fragment = decodeURIComponent(url.hash.slice(1));
    if (fragment && target.endsWith(".html") && !ids.get(target)?.has(fragment)) {
      linkProblems.push(`${from}: ${rel(site, target)}#${fragment} has no such element`);
    }
  }
  check(`${links.length} internal links and anchors resolve`, linkProblems);
  await ctx.close();
}

// ---------------------------------------------------------------- search

{
  const ctx = await context();
  const page = await ctx.newPage();
  const problems = [];
  await visit(page, site, path.join(site, "index.html"), problems);
  await page.fill("#search", "iccid");
  const result = page.locator("#search-results a", { hasText: /^iccid$/ }).first();
  try {
    await result.waitFor({ timeout: 5000 });
    const href = await result.getAttribute("href");
    if (href !== "gigs/types/Sim.html#f-iccid") problems.push(`the iccid result links to ${href}`);
    const status = await page.textContent("#search-status");
    if (!/result/.test(status)) problems.push(`status says ${JSON.stringify(status)}`);
    await result.click();
    await page.waitForURL(/Sim\.html#f-iccid$/);
    const targeted = await page.evaluate(() => document.querySelector(":target")?.id);
    if (targeted !== "f-iccid") problems.push(`the result opened #${targeted}`);
  } catch (e) {
    problems.push(`searching "iccid": ${e.message.split("\n")[0]}`);
  }
  // The header form of any page sends its query to the home page's search.
  await visit(page, site, path.join(site, "impact_stack/form_submission/1.3.0.html"), problems);
  await page.fill("#q", "previousData.status");
  await Promise.all([page.waitForURL(/index\.html\?q=/), page.press("#q", "Enter")]);
  try {
    await page
      .locator("#search-results a", { hasText: "previousData.status" })
      .first()
      .waitFor({ timeout: 5000 });
  } catch (e) {
    problems.push(`the header form's query found nothing: ${e.message.split("\n")[0]}`);
  }
  await page.fill("#search", "zzzz-no-such-thing");
  await page.waitForFunction(() => /Nothing found/.test(document.querySelector("#search-status").textContent));
  check("search finds a known field (iccid → Sim), from the home page and from a page's header form", problems);
  await ctx.close();
}

// ---------------------------------------------------------------- phone width and a11y

const representative = [
  "index.html",
  "gigs/index.html",
  "gigs/sim.updated/index.html",
  "gigs/sim.updated/2025-05-22.html",
  "gigs/types/Sim.html",
  "gigs/types/Actor.html",
  "impact_stack/index.html",
  "impact_stack/form_submission/index.html",
  "impact_stack/form_submission/1.1.0.html",
  "impact_stack/donation/2.1.0.html",
];
// And the three largest pages, whatever they are.
const largest = pages
  .map((f) => [fs.statSync(f).size, rel(site, f)])
  .sort((a, b) => b[0] - a[0])
  .slice(0, 3)
  .map((x) => x[1]);
const audited = [...new Set([...representative, ...largest])];

{
  const ctx = await context({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const problems = [];
  for (const p of audited) {
    await visit(page, site, path.join(site, p), problems);
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    if (scroll > width + 1) problems.push(`${p}: the page is ${scroll}px wide in a ${width}px window`);
  }
  check(`at phone width (390 px) no page scrolls sideways (${audited.length} pages)`, problems);
  await ctx.close();
}

{
  const ctx = await context({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = [];
  let rules = 0;
  for (const p of audited) {
    await visit(page, site, path.join(site, p), problems);
    const result = await audit(page);
    rules += result.passes;
    for (const v of result.violations) {
      problems.push(`${p}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes} element(s), e.g. ${v.first}`);
    }
  }
  check(`axe-core ${JSON.parse(fs.readFileSync(require.resolve("axe-core/package.json"))).version}: no WCAG 2.1 A/AA or best-practice violation on ${audited.length} pages (${rules} rule passes)`, problems);
  await ctx.close();
}

// ---------------------------------------------------------------- hostile catalog

{
  const ctx = await context();
  const page = await ctx.newPage();
  const problems = [];
  page.on("dialog", async (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  const hostilePages = [...files(hostile, ".html"), ...files(hostile, ".json")];
  for (const file of hostilePages) {
    await visit(page, hostile, file, problems);
    // Give an injected handler (onerror, onload) its chance to run.
    await page.waitForTimeout(50);
    const state = await page.evaluate(injected);
    const name = rel(hostile, file);
    if (state.pwned) problems.push(`${name}: a script from the fixture ran`);
    for (const b of state.bad) problems.push(`${name}: ${b}`);
    if (file.endsWith(".html") && !state.text.includes("PWN")) problems.push(`${name}: the fixture's text is missing`);
  }
  // Its text, markup and all, shows as text.
  await visit(page, hostile, path.join(hostile, "evil/x_event/1.1.0.html"), problems);
  const body = await page.evaluate(() => document.body.innerText);
  for (const shown of [
    "<img src=x onerror=window.__pwned=1>PWN",
    "</script><script>window.__pwned=1</script>PWN",
    '"PWN<!--new-->"',
    "PWN <script>window.__pwned=1</script> is not an allowed status",
  ]) {
    if (!body.includes(shown)) problems.push(`1.1.0.html does not show ${JSON.stringify(shown)} as text`);
  }
  // And in search results.
  await visit(page, hostile, path.join(hostile, "index.html"), problems);
  await page.fill("#search", "PWN");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 3);
  await page.waitForTimeout(50);
  const results = await page.evaluate(() => ({
    text: document.querySelector("#search-results").innerText,
    elements: document.querySelectorAll("#search-results img, #search-results script, #search-results b").length,
    pwned: typeof window.__pwned !== "undefined",
  }));
  if (results.pwned) problems.push("searching ran a script from the fixture");
  if (results.elements) problems.push(`search results hold ${results.elements} element(s) from the fixture`);
  if (!results.text.includes("<script>window.__pwned=1</script>PWN Evil & Co")) problems.push("search results do not show the fixture's text as text");
  check(`hostile catalog: no script ran, no element or attribute from it, its text shown as text (${hostilePages.length} pages and schemas)`, problems);
  check("hostile catalog: nothing fetched from outside the site", ctx.outside.map((u) => `fetched ${u}`));
  await ctx.close();
}

// ---------------------------------------------------------------- screenshots

{
  fs.mkdirSync(shots, { recursive: true });
  const problems = [];
  const shotPages = [
    ["home", "index.html"],
    ["event-type", "impact_stack/form_submission/index.html"],
    ["version", "gigs/sim.updated/2025-05-22.html"],
  ];
  const sizes = [
    ["desktop", { viewport: { width: 1280, height: 1000 } }],
    ["phone", { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
  ];
  const written = [];
  for (const [size, options] of sizes) {
    const ctx = await context(options);
    const page = await ctx.newPage();
    for (const [name, p] of shotPages) {
      await visit(page, site, path.join(site, p), problems);
      const out = path.join(shots, `${name}-${size}.png`);
      await page.screenshot({ path: out, fullPage: false });
      written.push(path.basename(out));
    }
    await ctx.close();
  }
  check(`screenshots in ${shots}: ${written.join(", ")}`, problems);
}

await browser.close();
console.log(`docs-site: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
