/**
 * `npm run test:ui`: a person who does not write code adjusts a mapping in the n8n editor, in a
 * real browser (Debian's Chromium driven by playwright-core), against the demo's n8n (the same
 * set-up as `npm start`: sandbox Daktela + Odoo, every template, an owner login).
 *
 * Steps (each asserts what the page shows): log in; open the Odoo batch template; open *Map
 * people*; change a crm_field in the YAML editor and see the output change; type an unknown
 * transformer and see the line-numbered "did you mean" error; Preview and read `_preview`; run
 * the workflow from the editor and read the Commit summary; Visual mode: map Title from the
 * drop-down, Export as YAML and read it; back in YAML mode, the edited YAML is still there.
 *
 * Screenshots go to docs/images/ (used by the README). Needs `npm run build` first (CI does).
 * Ports: n8n 5790, sandboxes 8690/8691 (UI_N8N_PORT, UI_DAKTELA_PORT, UI_ODOO_PORT).
 * UI_BASE_URL=http://127.0.0.1:5790 reuses a demo that is already running (`npm start` with the
 * DEMO_* ports) instead of starting one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { OWNER, startDemo, stopDemo, type DemoHandles } from '../e2e/demo-setup.cjs';
import { loadTemplate } from '../e2e/workflow.cjs';
import { launchBrowser, type Browser } from './browser.cjs';

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const TEMPLATE = loadTemplate('odoo-batch-crm-to-daktela.json');
const MAP_PEOPLE = 'Map people to Daktela contacts';
/** Generous: a loaded 2-core machine; every wait ends as soon as the page shows the thing. */
const TIMEOUT = 60_000;

const log = (text: string) => process.stdout.write(`${text}\n`);
let stepNo = 0;
async function step(title: string, body: () => Promise<void>): Promise<void> {
	const started = Date.now();
	stepNo++;
	try {
		await body();
	} catch (error) {
		log(`not ok ${stepNo} - ${title}`);
		throw error;
	}
	log(`ok ${stepNo} - ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Waits until the locator's text matches (or contains) `expected`; the error shows what it had. */
async function expectText(locator: Locator, expected: RegExp | string, timeout = TIMEOUT) {
	const deadline = Date.now() + timeout;
	let last = '';
	for (;;) {
		last = (await locator.allInnerTexts().catch(() => [])).join('\n');
		if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
		if (Date.now() > deadline) {
			throw new Error(
				`expected ${String(expected)} in the page, but it shows:\n${last.slice(0, 3000)}`,
			);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

async function shoot(page: Page, name: string, target?: Locator): Promise<void> {
	fs.mkdirSync(IMAGES, { recursive: true });
	const file = path.join(IMAGES, name);
	await (target ?? page).screenshot({ path: file, animations: 'disabled' });
	log(`   screenshot docs/images/${name} (${Math.round(fs.statSync(file).size / 1024)} kB)`);
}

export async function runUi(page: Page, baseUrl: string): Promise<void> {
	page.setDefaultTimeout(TIMEOUT);
	const ndv = page.getByTestId('ndv');
	const output = page.getByTestId('output-panel');

	await step('log in as the owner', async () => {
		await page.goto(`${baseUrl}/signin`);
		await page.locator('#emailOrLdapLoginId').fill(OWNER.email);
		await page.locator('#password').fill(OWNER.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.includes('signin'));
	});

	await step(`open the template "${TEMPLATE.name}"`, async () => {
		await page.goto(`${baseUrl}/workflow/${TEMPLATE.id}`);
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${MAP_PEOPLE}"]`).waitFor();
		await page.locator('[data-test-id="canvas-node"][data-node-name="Show sync state"]').waitFor();
		await page.getByTestId('zoom-to-fit').click();
		await page.waitForTimeout(500); // the zoom animation
		await shoot(page, 'template-canvas.png');
	});

	const mappingInput = ndv.getByTestId('parameter-input-mapping');
	// The full-screen editor ("Edit Mapping (YAML)"): wide lines, the place to edit a long mapping.
	const dialog = page.getByTestId('code-editor-fullscreen');
	const editor = dialog.locator('.cm-content');
	const line = (text: string) => editor.locator('.cm-line', { hasText: text }).first();
	async function openEditor() {
		// A click on the mapping in the panel opens it full-screen.
		await mappingInput.locator('.cm-line').first().click();
		await editor.waitFor();
		await editor.click();
		await page.keyboard.press('Control+Home');
	}
	async function closeEditor() {
		await dialog.getByRole('button', { name: 'Close this dialog' }).click();
		await dialog.waitFor({ state: 'hidden' });
	}
	/** Puts the cursor at the end of the first line containing `text` (a click, then End). */
	async function endOfLine(text: string) {
		await line(text).click();
		await page.keyboard.press('End');
	}
	const executeStep = async () => {
		await ndv.getByTestId('node-execute-button').first().click();
	};

	await step(`open "${MAP_PEOPLE}": the mapping in a code editor with line numbers`, async () => {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${MAP_PEOPLE}"]`).dblclick();
		await ndv.waitFor();
		await expectText(mappingInput.locator('.cm-content'), 'cc_field: title');
		await expectText(mappingInput.locator('.cm-gutters'), /^1\s+2\s+3\s/);
		await expectText(ndv, 'cc_field is the Daktela contact field');
	});

	await step(
		'change a crm_field (description: function -> email): the output changes',
		async () => {
			await executeStep();
			// Jana Nováková is a Buyer in Odoo: her Daktela description is her function.
			const table = output.locator('table');
			await expectText(table, 'Buyer');
			await openEditor();
			// The editor renders the lines in view: go to the end, where the description entry is.
			await page.keyboard.press('Control+End');
			await endOfLine('crm_field: function');
			for (let i = 0; i < 'function'.length; i++) await page.keyboard.press('Backspace');
			await page.keyboard.type('email');
			await expectText(editor, /cc_field: description\s+crm_field: email\s/);
			await shoot(page, 'field-mapper-yaml-editor.png', dialog);
			await closeEditor();
			await executeStep();
			await expectText(
				output.locator('table'),
				/crm_person_3[\s\S]*jana\.novakova@acme\.example[\s\S]*jana\.novakova@acme\.example/,
			);
			const text = await output.locator('table').innerText();
			if (text.includes('Buyer'))
				throw new Error(`the output still shows the old description:\n${text}`);
			await shoot(page, 'field-mapper-yaml.png', ndv);
		},
	);

	await step(
		'an unknown transformer: the line-numbered "did you mean" error in the panel',
		async () => {
			await openEditor();
			await endOfLine('- trim');
			await page.keyboard.type('m');
			await expectText(editor, /- trimm\s/);
			await closeEditor();
			await executeStep();
			const error = await expectText(output, /unknown transformer "trimm"/i);
			if (!/line \d+/.test(error) || !/Did you mean "trim"\?/.test(error)) {
				throw new Error(`the error names no line or no suggestion:\n${error}`);
			}
			await shoot(page, 'field-mapper-error.png', ndv);
			await openEditor();
			await endOfLine('- trimm');
			await page.keyboard.press('Backspace');
			await expectText(editor, /- trim\s/);
			await closeEditor();
		},
	);

	/** Options > Add Option > `name` (a collection parameter). */
	async function addOption(name: string) {
		await ndv.getByPlaceholder('Add Option').click();
		await page.getByTestId('collection-parameter-option').filter({ hasText: name }).first().click();
	}
	async function selectValue(parameter: string, value: string) {
		await ndv.getByTestId(`parameter-input-${parameter}`).click();
		// An option's text is its name followed by its description.
		await page
			.getByRole('option')
			.filter({ hasText: new RegExp(`^${value}`) })
			.first()
			.click();
	}

	await step('Preview on: _preview shows each field as "source: input → result"', async () => {
		await addOption('Preview');
		await ndv.getByTestId('parameter-input-preview').click();
		await ndv
			.locator('[data-test-id="parameter-input-preview"] [role="switch"][aria-checked="true"]')
			.waitFor({ state: 'attached' });
		await executeStep();
		await expectText(output.locator('table'), '_preview');
		await expectText(
			output.locator('table'),
			'email: "jana.novakova@acme.example" → "jana.novakova@acme.example"',
		);
		await expectText(output.locator('table'), 'name: "Jana Nováková" → "Jana Nováková"');
		await output.locator('th', { hasText: '_preview' }).scrollIntoViewIfNeeded();
		await shoot(page, 'field-mapper-preview.png', ndv);
	});

	await step('run the workflow from the editor: the Commit summary with its counts', async () => {
		await ndv.getByTestId('ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
		await page.getByTestId('execute-workflow-button').click();
		const commit = page.locator(
			'[data-test-id="canvas-node"][data-node-name="Commit contacts cursor"]',
		);
		// The run is done: n8n says so, and both Commit nodes have their success mark. (Show sync
		// state now sits after the deleted-records branch, which gets no items in this run.)
		await page.getByText('Workflow executed successfully').waitFor({ timeout: 180_000 });
		for (const name of ['Commit accounts cursor', 'Commit contacts cursor']) {
			await page
				.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`)
				.getByTestId('canvas-node-status-success')
				.waitFor();
		}
		await commit.dblclick();
		await ndv.waitFor();
		const summary = await expectText(output, /All 4 record\(s\) processed/);
		if (!/created[\s\S]*4/.test(summary))
			throw new Error(`no "4 created" in the summary:\n${summary}`);
		// The counts are the table's last columns: a wider window shows them next to the message.
		await page.setViewportSize({ width: 2200, height: 900 });
		for (const column of ['created', 'updated']) {
			const header = output.locator('th', { hasText: new RegExp(`^\\s*${column}\\s*$`) });
			await header.waitFor();
			const box = await header.boundingBox();
			const panel = await output.boundingBox();
			if (!box || !panel || box.x + box.width > panel.x + panel.width) {
				throw new Error(`the "${column}" column is outside the output panel`);
			}
		}
		await shoot(page, 'sync-summary.png', ndv);
		await page.setViewportSize({ width: 1440, height: 900 });
	});

	await step(
		'Visual mode: map Title from the drop-down, Export as YAML shows it; back in YAML the edited mapping is still there',
		async () => {
			await ndv.getByTestId('ndv-close-button').click();
			await ndv.waitFor({ state: 'hidden' });
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${MAP_PEOPLE}"]`).dblclick();
			await ndv.waitFor();
			await selectValue('mappingMode', 'Visual');
			await expectText(ndv, 'Values to Send to Daktela');
			// The YAML stays, marked unused, so switching back loses nothing.
			await expectText(ndv, 'Mapping (YAML, Unused in Visual Mode)');
			// "Add field to send" opens a menu of the Daktela fields.
			await ndv.getByTestId('add-fields-select').getByRole('button').click();
			await page
				.getByRole('menuitem', { name: /^Title/ })
				.first()
				.click();
			const fields = ndv.getByTestId('mapping-fields-container');
			await expectText(fields, 'Title');
			const title = fields.getByTestId('parameter-input-field').last();
			const box = title.locator('input, textarea');
			await ((await box.count()) > 0 ? box.first() : title).fill('Customer');
			await addOption('Export as YAML');
			await ndv.getByTestId('parameter-input-exportYaml').click();
			await ndv
				.locator('[data-test-id="parameter-input-exportYaml"] [role="switch"][aria-checked="true"]')
				.waitFor({ state: 'attached' });
			await executeStep();
			// The table shows the YAML as one string, its line breaks as \n.
			await expectText(
				output,
				/lookup_field: name(?:\s|\\n)+direction: crm_to_cc(?:\s|\\n)+mappings:(?:\s|\\n)+- cc_field: title(?:\s|\\n)+value: Customer/,
			);
			await shoot(page, 'field-mapper-visual.png', ndv);
			await selectValue('mappingMode', 'YAML');
			await openEditor();
			await page.keyboard.press('Control+End');
			await expectText(editor, /cc_field: description\s+crm_field: email\s/);
			await closeEditor();
		},
	);
}

async function main(): Promise<void> {
	const handles: DemoHandles = {};
	let browser: Browser | undefined;
	const started = Date.now();
	let failed = false;
	try {
		let baseUrl = process.env.UI_BASE_URL;
		if (!baseUrl) {
			const demo = await startDemo(
				{
					ports: {
						n8n: Number(process.env.UI_N8N_PORT ?? 5790),
						daktela: Number(process.env.UI_DAKTELA_PORT ?? 8690),
						odoo: Number(process.env.UI_ODOO_PORT ?? 8691),
					},
					// No sync before: the editor's run is the first one, and what it shows is its own.
					runSync: false,
					step: (text) => log(`== ${text}`),
				},
				handles,
			);
			baseUrl = demo.server.url;
		}
		log(`== browser: ${baseUrl}`);
		browser = await launchBrowser();
		const page = browser.context.pages()[0] ?? (await browser.context.newPage());
		try {
			await runUi(page, baseUrl);
		} catch (error) {
			const shot = path.join(os.tmpdir(), 'n8n-daktela-ui-failure.png');
			await page.screenshot({ path: shot }).catch(() => undefined);
			fs.writeFileSync(shot.replace(/png$/, 'html'), await page.content().catch(() => ''));
			log(`   the page at the failure: ${shot} (and .html)`);
			throw error;
		}
	} catch (error) {
		failed = true;
		process.stderr.write(`test:ui: ${(error as Error).stack ?? error}\n`);
	} finally {
		await browser?.close();
		await stopDemo(handles);
	}
	log(
		`${failed ? 'FAILED' : 'passed'}: ${stepNo} steps in ${((Date.now() - started) / 1000).toFixed(0)} s`,
	);
	process.exit(failed ? 1 : 0);
}

if (require.main === module) void main();
