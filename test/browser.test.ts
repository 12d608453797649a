/**
 * The help pages and the interactive reference in a real browser (Debian's Chromium, driven by
 * playwright-core): /Help → a route page with its tables and samples; /docs → authenticate,
 * send a request, see its response. Screenshots go to test-artifacts/. Runs once (with the PGlite
 * pass of the suite); needs /usr/bin/chromium (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { onPostgres } from './helpers.js';
import { cli, startServer, type ServerProcess } from './process.js';
import { seedDataDir } from './templates.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts';
const skip = onPostgres
  ? 'runs in the PGlite pass only'
  : !existsSync(CHROMIUM) && process.env['CI'] !== 'true'
    ? `${CHROMIUM} is not installed (apt-get install chromium)`
    : false;

let dataDir: string;
let server: ServerProcess | undefined;
let url: string;
let token: string;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'fs-browser-'));
  const env: NodeJS.ProcessEnv = { PGLITE_DATA_DIR: join(dataDir, 'db'), DATABASE_URL: '' };
  await seedDataDir(join(dataDir, 'db'));
  token = String(
    cli(
      env,
      'create-user',
      '--domain',
      'browser.test',
      '--username',
      'ui',
      '--password',
      'ui-pass',
      '--token',
    )['token'],
  );
  server = await startServer(env);
  url = server.url;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('help pages: index, a route page with its tables and samples', { skip, timeout: 60_000 }, async () => {
  const page = await browser!.newPage();
  await page.goto(`${url}/Help`);
  await page.screenshot({ path: join(ARTIFACTS, 'help-index.png'), fullPage: false });
  const link = page.locator('a[href$="/Help/Api/POST-api-JobPartUsage-Save"]').first();
  assert.equal(await link.count(), 1, 'the index links the Save route of JobPartUsage');
  await link.click();
  await page.waitForURL(/POST-api-JobPartUsage-Save$/);
  const text = await page.locator('body').innerText();
  assert.match(text, /Body Parameters/i);
  assert.match(text, /serial_number/);
  assert.match(text, /Max length: 255/);
  assert.match(text, /application\/json/);
  assert.match(text, /<job_part_usage xmlns:i=/);
  assert.ok((await page.locator('table').count()) >= 2, 'parameter tables are shown');
  await page.screenshot({ path: join(ARTIFACTS, 'help-route.png'), fullPage: true });
  await page.close();
});

it('API reference: authenticate, send a request, see its response', { skip, timeout: 90_000 }, async () => {
  const page = await browser!.newPage();
  await page.goto(`${url}/docs`);
  await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
  await page.locator('button.authorize').first().click();
  const bearer = page.locator('form').filter({ has: page.locator('input[aria-label="auth-bearer-value"]') });
  await bearer.locator('input[aria-label="auth-bearer-value"]').fill(token);
  await bearer.locator('button.authorize').click();
  await page.locator('.modal-ux button.close-modal').click();
  await page.locator('#operations-tag-JobType').click();
  const operation = page.locator('#operations-JobType-get_api_JobType');
  await operation.locator('.opblock-summary').click();
  await operation.locator('button.try-out__btn').click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 30_000 });
  await status.scrollIntoViewIfNeeded();
  assert.match(await status.innerText(), /200/);
  assert.match(await operation.locator('.live-responses-table').innerText(), /@odata\.context/);
  await page.screenshot({ path: join(ARTIFACTS, 'docs-response.png'), fullPage: false });
  await page.close();
});
