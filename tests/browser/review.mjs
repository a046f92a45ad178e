// The review web app end to end, in headless chromium: generate a county, run the
// pipeline, start `vitalink serve`, log in with the printed address, label 10 pairs with
// the keyboard, undo one, reload and find the 9 decisions stored; check that hostile names
// show as text and never run; then run the pipeline again and check its clusters obey the
// decisions. Saves a screenshot of the pair view.
//
//   node tests/browser/review.mjs build/rel/tools/cli/vitalink /tmp/vl-review [shot.png]
//
// Exit 0 on success, 1 on a failed check (each printed), 2 on bad arguments.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { launchBrowser, watchPage } from './browser.mjs';

const [vitalink, workArg, shotArg] = process.argv.slice(2);
if (!vitalink || !workArg) {
  console.error('usage: node tests/browser/review.mjs VITALINK_BINARY WORK_DIR [SCREENSHOT.png]');
  process.exit(2);
}
const work = resolve(workArg);
const shot = resolve(shotArg || join(work, 'review.png'));
const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"\'&amp;' +
                '长'.repeat(500) + '\u202e\u200f末尾';

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  return ok;
};

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const county = join(work, 'county');
const out = join(county, 'out');
const run = (args) => execFileSync(vitalink, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
run(['generate', '--out', county, '--persons', '20000', '--seed', '1']);
run(['run', join(county, 'project.toml'), '--threads', '2']);

// A hostile name on the first pair of the queue, as if a register held it.
const queuePath = join(out, 'link', 'review.json');
const queue = JSON.parse(readFileSync(queuePath, 'utf8'));
check(queue.items.length >= 12, `the queue has ${queue.items.length} pairs, 12 or more expected`);
const nameField = queue.items[0].a.fields.find((f) => f[0] === 'name' || f[0] === 'child_name');
nameField[1] = hostile;
queue.items[0].a.township_name = hostile;
writeFileSync(queuePath, JSON.stringify(queue));

// Start the server on a free port and read the login address it prints.
const server = spawn(vitalink, ['serve', '--project', out, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });
const loginUrl = await new Promise((resolveUrl, reject) => {
  let text = '';
  const timer = setTimeout(() => reject(new Error(`vitalink serve printed no login address: ${text}${serverLog}`)), 20000);
  server.stdout.on('data', (d) => {
    text += d;
    const m = text.match(/log in at: (http:\/\/127\.0\.0\.1:\d+\/login\?token=[0-9a-f]+)/);
    if (m) { clearTimeout(timer); resolveUrl(m[1]); }
  });
  server.on('exit', (code) => reject(new Error(`vitalink serve exited with ${code}: ${serverLog}`)));
});
const base = new URL(loginUrl).origin;

const decided = new Map();  // pair index -> decision
let browser;
try {
  browser = await launchBrowser({ viewport: { width: 1280, height: 1000 } });
  // Without logging in, the app is refused (in a page of its own: that 401 is expected).
  const anonymous = await browser.newPage();
  const refused = await anonymous.goto(base + '/queue');
  check(refused.status() === 401, `an anonymous request got ${refused.status()}, 401 expected`);
  await anonymous.close();

  const page = await browser.newPage();
  const problems = watchPage(page);

  await page.goto(loginUrl + '&who=e2e');
  await page.waitForURL(base + '/queue', { waitUntil: 'commit' });
  await page.waitForSelector('table.queue tbody tr');
  const rows = await page.locator('table.queue tbody tr').count();
  check(rows >= 10, `the queue shows ${rows} rows`);

  // Enter opens the first open pair; M and N label it and move on to the next open pair.
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/pair\/\d+$/, { waitUntil: 'commit' });
  for (let i = 0; i < 10; ++i) {
    const index = Number(new URL(page.url()).pathname.split('/').pop());
    await page.waitForSelector(`.pair-head[data-pair="${index}"]`);
    const decision = i % 3 === 2 ? 'non_match' : 'match';
    await page.keyboard.press(decision === 'match' ? 'm' : 'n');
    await page.waitForURL((u) => u.pathname !== `/pair/${index}`, { waitUntil: 'commit' });
    decided.set(index, decision);
  }
  check(decided.size === 10, `10 distinct pairs expected, labelled ${decided.size}`);

  // Z undoes the last decision and shows its pair again, undecided.
  const last = [...decided.keys()].pop();
  await page.keyboard.press('z');
  await page.waitForURL(base + `/pair/${last}`, { waitUntil: 'commit' });
  await page.waitForSelector(`.pair-head[data-pair="${last}"]`);
  const badge = await page.locator('#current-decision').textContent();
  check(badge.trim() === '—', `after undo the pair shows "${badge}", no decision expected`);
  decided.delete(last);

  // Reload: the decisions come back from the server.
  await page.reload();
  await page.waitForSelector('table.records');
  const stored = await page.evaluate(async () => (await (await fetch('/api/pairs?status=decided&limit=100')).json()).items
    .map((it) => [it.index, it.decision.decision]));
  check(stored.length === 9, `${stored.length} decisions stored, 9 expected`);
  for (const [index, decision] of stored) {
    check(decided.get(index) === decision, `pair ${index}: stored ${decision}, labelled ${decided.get(index)}`);
  }
  await page.goto(base + '/decisions');
  await page.waitForSelector('main table tbody tr');
  const historyRows = await page.locator('main table tbody tr').count();
  check(historyRows === 10, `the decision history shows ${historyRows} rows (10 decisions, one undone)`);

  // The runs page links each run's bulletin, which renders under the server's CSP.
  await page.goto(base + '/runs');
  await page.waitForSelector('main table tbody tr');
  await Promise.all([page.waitForURL(/\/bulletins\/\d+$/), page.locator('main a[href^="/bulletins/"]').nth(1).click()]);
  const bulletin = await page.evaluate(() => ({ title: document.title, charts: document.querySelectorAll('svg').length }));
  check(bulletin.title.length > 0 && bulletin.charts > 0, `the bulletin from /runs did not render: ${JSON.stringify(bulletin)}`);

  // Hostile names are text: nothing runs, no element is made from them.
  await page.goto(base + '/pair/0');
  await page.waitForSelector('table.records');
  const facts = await page.evaluate((h) => ({
    pwned: window.__pwned ?? null,
    images: document.querySelectorAll('main img').length,
    scripts: document.querySelectorAll('main script').length,
    shown: document.querySelector('table.records').textContent.includes(h),
  }), hostile);
  check(facts.pwned === null, `hostile markup ran (window.__pwned = ${facts.pwned})`);
  check(facts.images === 0 && facts.scripts === 0, 'hostile markup became elements');
  check(facts.shown, 'the hostile name is not shown as text');
  await page.goto(base + `/pair/${[...decided.keys()][1]}`);
  await page.waitForSelector('svg.waterfall rect');
  await page.screenshot({ path: shot, fullPage: true });
  // A request cut short because the test navigated on (net::ERR_ABORTED) is no fault.
  for (const p of problems.all()) if (!p.includes('net::ERR_ABORTED')) failures.push(p);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
}

// The next run obeys the decisions: a match joins the two records, a non-match parts them.
run(['run', join(county, 'project.toml'), '--threads', '2']);
const person = new Map();
for (const line of readFileSync(join(out, 'link', 'clusters.csv'), 'utf8').trim().split('\n').slice(1)) {
  const [source, id, p] = line.split(',');
  person.set(`${source}|${id}`, p);
}
for (const [index, decision] of decided) {
  const it = queue.items[index];
  const same = person.get(`${it.a.source}|${it.a.record_id}`) === person.get(`${it.b.source}|${it.b.record_id}`);
  check(same === (decision === 'match'), `pair ${index} (${it.key}) labelled ${decision} but the next run has same person = ${same}`);
}
const labels = JSON.parse(readFileSync(join(out, 'link', 'labels.json'), 'utf8'));
check(labels.decisions === 9, `the next run read ${labels.decisions} decisions, 9 expected`);

if (failures.length) {
  for (const f of failures) console.error('FAIL: ' + f);
  process.exit(1);
}
console.log(JSON.stringify({ screenshot: shot, decided: Object.fromEntries(decided) }));
console.log('review app end to end in headless chromium: ok');
