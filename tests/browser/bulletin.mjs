// The bulletin in a real browser: generate a small synthetic county whose
// township names are hostile HTML, run the pipeline with the built CLI, open
// report/bulletin.html in headless chromium and check that it renders with no
// console error, page error or failed request; that its sections, charts and
// ranking rows are there; that the village drill-down opens; and that the
// hostile names show as text and never run. Saves a full-page screenshot.
//
//   node tests/browser/bulletin.mjs build/dev/tools/cli/vitalink /tmp/vl-bulletin [shot.png]
//
// Exit 0 on success, 1 on a failed check (each printed), 2 on bad arguments,
// 77 when chromium or playwright-core is not installed (a failure: install-deps installs both).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { isMissingBrowser, kSkipExitCode, launchBrowser, watchPage } from './browser.mjs';

const [vitalink, workArg, shotArg] = process.argv.slice(2);
if (!vitalink || !workArg) {
  console.error('usage: node tests/browser/bulletin.mjs VITALINK_BINARY WORK_DIR [SCREENSHOT.png]');
  process.exit(2);
}
const work = resolve(workArg);
const shot = resolve(shotArg || join(work, 'bulletin.png'));
const county = '430182';
// Marks every township name: markup that must stay text. If it ran, it would
// set window.__pwned; if it were parsed, the page would hold <img src="x">.
const hostile = '<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=2">&amp;"\'';

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

// Area table with hostile township names (VITALINK_DATA_DIR points the CLI at it).
function areasTsv() {
  const here = dirname(new URL(import.meta.url).pathname);
  const candidates = [
    process.env.VL_AREAS_TSV,
    join(dirname(resolve(vitalink)), '..', '..', 'data', 'areas.tsv'),  // <build>/tools/cli/vitalink
    join(here, '..', '..', 'third_party', 'data', 'areas.tsv'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`areas.tsv not found (tried ${candidates.join(', ')})`);
  return found;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'data'), { recursive: true });
const lines = readFileSync(areasTsv(), 'utf8').split('\n');
const townshipRe = new RegExp(`^${county}\\d{3}\\t`);
let renamed = 0;
const patched = lines.map((line) => {
  if (!townshipRe.test(line)) return line;
  ++renamed;
  return line + hostile;
});
check(renamed > 0, `no township of ${county} in areas.tsv`);
writeFileSync(join(work, 'data', 'areas.tsv'), patched.join('\n'));

const env = { ...process.env, VITALINK_DATA_DIR: join(work, 'data') };
const run = (args) => execFileSync(vitalink, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
run(['generate', '--out', join(work, 'county'), '--persons', '3000', '--seed', '11', '--county', county]);
run(['run', join(work, 'county', 'project.toml'), '--threads', '1']);
const html = join(work, 'county', 'out', 'report', 'bulletin.html');
check(existsSync(html), `no bulletin at ${html}`);

let browser;
try {
  browser = await launchBrowser({ viewport: { width: 1100, height: 1400 } });
} catch (err) {
  if (!isMissingBrowser(err)) throw err;
  console.error(`FAIL: ${err.message}`);
  process.exit(kSkipExitCode);
}
try {
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });

  const facts = await page.evaluate(() => {
    const q = (sel) => document.querySelectorAll(sel);
    const details = q('#villages details');
    return {
      title: document.title,
      lang: document.documentElement.lang,
      h1: document.querySelector('h1')?.textContent ?? '',
      sections: ['summary', 'completeness', 'ranking', 'villages', 'notes'].filter((id) => document.getElementById(id)),
      charts: q('svg.chart').length,
      rankingRows: q('#ranking tbody tr').length,
      villageGroups: details.length,
      firstGroupOpen: details.length ? details[0].open : null,
      pwned: window.__pwned ?? null,
      scripts: q('script').length,
      images: q('img').length,
      hostileTexts: [...q('#ranking tbody tr')].filter((tr) => tr.textContent.includes('<script>window.__pwned=1</script>')).length,
    };
  });
  check(facts.title.length > 0, 'the page has no title');
  check(facts.lang === 'zh-CN' || facts.lang.startsWith('zh'), `html lang is "${facts.lang}", expected Chinese by default`);
  for (const id of ['summary', 'completeness', 'ranking', 'villages', 'notes']) {
    check(facts.sections.includes(id), `section #${id} is missing`);
  }
  check(facts.charts >= 1, 'no SVG chart');
  check(facts.rankingRows >= 2, `ranking has ${facts.rankingRows} township rows`);
  check(facts.villageGroups >= 1, 'no village drill-down (<details>) in #villages');
  check(facts.firstGroupOpen === false, 'village drill-down should start closed');
  check(facts.pwned === null, `hostile markup ran (window.__pwned = ${facts.pwned})`);
  check(facts.scripts === 0, `the page holds ${facts.scripts} <script> elements`);
  check(facts.images === 0, `the page holds ${facts.images} <img> elements (hostile markup parsed)`);
  check(facts.hostileTexts >= 1, 'hostile township names are not shown as text in the ranking');

  // The drill-down opens without script and shows village rows.
  if (facts.villageGroups > 0) {
    const first = page.locator('#villages details').first();
    await first.locator('summary').click();
    const opened = await first.evaluate((d) => ({ open: d.open, rows: d.querySelectorAll('tbody tr').length }));
    check(opened.open, 'clicking the summary does not open the drill-down');
    check(opened.rows >= 1, 'an opened drill-down shows no village row');
    const visible = await first.locator('tbody tr').first().isVisible();
    check(visible, 'village rows are not visible after opening');
  }
  await page.screenshot({ path: shot, fullPage: true });
  for (const p of problems.all()) failures.push(p);
  console.log(JSON.stringify({ html, screenshot: shot, ...facts }));
} finally {
  await browser.close();
}

if (failures.length) {
  for (const f of failures) console.error('FAIL: ' + f);
  process.exit(1);
}
console.log('bulletin renders in headless chromium: ok');
