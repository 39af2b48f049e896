import chromium from '@sparticuz/chromium';
import { launch, type Browser } from 'puppeteer-core';
import { findWorkingOnPath, fromEnv } from '../../embedded/tool-cache';

const LAUNCH_TIMEOUT_MS = 30_000;
/** A DevTools call (a click, an evaluate) that takes longer has hung: fail it rather than wait out the test. */
const PROTOCOL_TIMEOUT_MS = 30_000;

/**
 * CHROMIUM_PATH, else a `chromium` on PATH, else the one @sparticuz/chromium
 * ships inside its npm package, unpacked into the temp directory at first use:
 * `npm install` is all a machine needs.
 */
export async function findChromium(): Promise<string> {
  return (await fromEnv('CHROMIUM_PATH')) ?? (await findWorkingOnPath('chromium')) ?? chromium.executablePath();
}

/** A headless Chromium, or an error within 30 s saying why it did not start. */
export async function launchBrowser(): Promise<Browser> {
  return launch({
    executablePath: await findChromium(),
    headless: true,
    // Chromium's sandbox refuses to start as root, and CI runs as root.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    timeout: LAUNCH_TIMEOUT_MS,
    protocolTimeout: PROTOCOL_TIMEOUT_MS,
  });
}
