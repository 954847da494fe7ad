/**
 * Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) driven by playwright-core: never downloads a
 * browser. A fresh profile in a temp folder per run, removed on close.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

import type { BrowserContext, BrowserType, Selectors } from 'playwright-core';

// Loaded with require: tsx's ESM hook on Node 20 breaks playwright-core's static import.
const { chromium, selectors } = createRequire(__filename)('playwright-core') as {
	chromium: BrowserType;
	selectors: Selectors;
};
// n8n's editor marks its elements with data-test-id: page.getByTestId() finds them.
selectors.setTestIdAttribute('data-test-id');

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
	context: BrowserContext;
	close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM)`);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-daktela-ui-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1440, height: 900 },
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	return {
		context,
		async close() {
			await context.close().catch(() => undefined);
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}
