import type { Browser, Page } from 'puppeteer-core';
import { openApiDocument } from '../../api/openapi';
import { launchBrowser } from '../support/browser';
import { watchProblems, type PageElement } from '../support/page-checks';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
);

let app: TestInviteflow;
let browser: Browser | undefined;
let page: Page;
/** What went wrong in the page while it loaded and was used: refusals, failed loads, errors. */
let problems: string[];

beforeAll(async () => {
  app = await startTestInviteflow({}, { worker: false });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  const origin = new URL(app.apiUrl).origin;
  problems = await watchProblems(page);
  // Every file the reference loads is this server's, and each one is there.
  page.on('response', (response) => {
    if (response.status() >= 400 && new URL(response.url()).origin === origin) {
      problems.push(`${response.url()}: ${response.status()}`);
    }
  });
  await page.goto(`${app.apiUrl}/docs`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('.opblock');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test("Swagger UI shows the document's title, version and every operation", async () => {
  const [title, version] = await page.$eval('.info .title', (heading: PageElement) => [
    heading.firstChild?.textContent,
    heading.querySelector('.version')?.textContent?.trim(),
  ]);
  expect([title, version]).toEqual([document.info.title, document.info.version]);

  const shown = await page.$$eval('.opblock', (blocks: PageElement[]) =>
    blocks.map(
      (block) =>
        `${block.querySelector('.opblock-summary-method')?.textContent} ${block.querySelector('[data-path]')?.getAttribute('data-path')}`,
    ),
  );
  expect(shown).toHaveLength(operations.length);
  expect(shown.sort()).toEqual(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort());
});

test('an expanded operation lists its parameters and its responses', async () => {
  const { method, path, operation } = operations.find(({ operation }) => operation.parameters?.length)!;
  const selector = `.opblock-${method}:has([data-path="${path}"])`;
  await page.click(`${selector} .opblock-summary-control`);
  await page.waitForSelector(`${selector} .responses-table tr.response`);

  const parameters = await page.$$eval(`${selector} tr[data-param-name]`, (rows: PageElement[]) =>
    rows.map((row) => `${row.getAttribute('data-param-in')} ${row.getAttribute('data-param-name')}`),
  );
  expect(parameters.sort()).toEqual(operation.parameters!.map(({ in: where, name }) => `${where} ${name}`).sort());
  const responses = await page.$$eval(`${selector} tr.response[data-code]`, (rows: PageElement[]) =>
    rows.map((row) => row.getAttribute('data-code')),
  );
  expect(responses.sort()).toEqual(Object.keys(operation.responses).sort());
});

test("'Try it out' calls this server and shows the answer", async () => {
  const selector = '.opblock-get:has([data-path="/healthz"])';
  await page.click(`${selector} .opblock-summary-control`);
  // Each control appears once the one before it has been handled: a busy machine renders them late.
  await (await page.waitForSelector(`${selector} .try-out__btn`))!.click();
  await (await page.waitForSelector(`${selector} .execute`))!.click();
  const status = await page.waitForSelector(`${selector} .live-responses-table tbody .response-col_status`);
  expect(await status!.evaluate((cell: PageElement) => cell.textContent?.trim())).toBe('200');
  const body = await page.$eval(
    `${selector} .live-responses-table .microlight`,
    (code: PageElement) => code.textContent,
  );
  expect(JSON.parse(body!)).toEqual({ status: 'ok' });
});

// Headless Chromium never asks for the icon, so the page's own references are checked here.
test('every stylesheet, icon and script the page names is served', async () => {
  const files = await page.$$eval('link[href], script[src]', (elements: PageElement[]) =>
    elements.map((element) => element.getAttribute('href') ?? element.getAttribute('src')),
  );
  expect(files).not.toHaveLength(0);
  for (const file of files) {
    expect([file, (await fetch(new URL(file!, app.apiUrl))).status]).toEqual([file, 200]);
  }
});

// Last, so that it covers the expanded operation and the call too.
test('no request failed, nothing broke the CSP and the page logged no error', () => {
  expect(problems).toEqual([]);
});
