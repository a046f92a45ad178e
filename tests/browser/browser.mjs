// Shared launcher for vitalink's headless browser tests: Debian's chromium
// driven by playwright-core (installed by scripts/install-deps into
// third_party/npm; it downloads no browser of its own).
//
//   import { launchBrowser, watchPage } from './browser.mjs';
//   const browser = await launchBrowser();
//   try {
//     const page = await browser.newPage();
//     const problems = watchPage(page);          // console errors, page errors, failed requests
//     await page.goto('file:///tmp/x/bulletin.html');
//     if (problems.all().length) throw new Error(problems.all().join('\n'));
//   } finally {
//     await browser.close();                      // also removes the profile directory
//   }
//
// Every launch gets a fresh temporary profile (--user-data-dir), so tests never
// share cookies, storage or caches, and no network service of chromium runs.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/// Where chromium lives; VL_CHROMIUM overrides.
export const chromiumPath = process.env.VL_CHROMIUM || '/usr/bin/chromium';

/// The flags of every launch (besides the profile directory).
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/// Exit code for "the browser or playwright-core is not installed". CTest counts it
/// as a failure: scripts/install-deps installs both.
export const kSkipExitCode = 77;

/// True for the errors launchBrowser and loadPlaywright throw when something
/// is not installed (as opposed to a test failure).
export function isMissingBrowser(err) {
  return err?.code === 'VL_BROWSER_MISSING';
}

function missing(message) {
  const err = new Error(message);
  err.code = 'VL_BROWSER_MISSING';
  return err;
}

/// Load playwright-core from third_party/npm (VL_NPM_DIR overrides the folder).
export function loadPlaywright() {
  const npmDir = process.env.VL_NPM_DIR || join(here, '..', '..', 'third_party', 'npm');
  const require = createRequire(join(npmDir, 'package.json'));
  try {
    return require('playwright-core');
  } catch (err) {
    throw missing(`playwright-core not found under ${npmDir} (run scripts/install-deps): ${err.message}`);
  }
}

/// Launch chromium headless with a fresh profile. Returns a handle with
/// newPage(), the playwright BrowserContext as `context`, and close(), which
/// closes the browser and deletes the profile. Options: viewport
/// ({width, height}, default 1280×900), args (extra chromium flags), locale.
export async function launchBrowser(options = {}) {
  if (!existsSync(chromiumPath)) throw missing(`no chromium at ${chromiumPath} (apt-get install chromium)`);
  const { chromium } = loadPlaywright();
  const profile = mkdtempSync(join(tmpdir(), 'vl-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumFlags, ...(options.args || [])],
      viewport: options.viewport || { width: 1280, height: 900 },
      locale: options.locale,
      timeout: 60000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async newPage() {
      return context.newPage();
    },
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/// Record a page's console errors, uncaught page errors and failed requests.
/// Returns { consoleErrors, pageErrors, failedRequests, all() }.
export function watchPage(page) {
  const seen = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') seen.consoleErrors.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => seen.pageErrors.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) =>
    seen.failedRequests.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  seen.all = () => [...seen.consoleErrors, ...seen.pageErrors, ...seen.failedRequests];
  return seen;
}
