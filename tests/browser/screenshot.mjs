// Save a full-page screenshot of an HTML file in headless chromium, failing on
// console or page errors. Used for docs/img/bulletin-demo.png:
//
//   node tests/browser/screenshot.mjs demo/out/report/bulletin.html docs/img/bulletin-demo.png [WIDTH [HEIGHT]]
//
// Without HEIGHT the whole page is captured; with it, the top WIDTH×HEIGHT.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { launchBrowser, watchPage } from './browser.mjs';

const [htmlArg, pngArg, widthArg, heightArg] = process.argv.slice(2);
if (!htmlArg || !pngArg) {
  console.error('usage: node tests/browser/screenshot.mjs PAGE.html OUT.png [WIDTH [HEIGHT]]');
  process.exit(2);
}
const browser = await launchBrowser({ viewport: { width: Number(widthArg || 1100), height: Number(heightArg || 900) } });
let problems;
try {
  const page = await browser.newPage();
  problems = watchPage(page);
  await page.goto(pathToFileURL(resolve(htmlArg)).href, { waitUntil: 'load' });
  await page.screenshot({ path: resolve(pngArg), fullPage: !heightArg });
} finally {
  await browser.close();
}
if (problems.all().length) {
  for (const p of problems.all()) console.error(p);
  process.exit(1);
}
