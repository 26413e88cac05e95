/**
 * The layout of the action nodes' operations, as CONTRIBUTING's "How to add an operation" describes
 * it: each operation of a resource is the file actions/<resource>/<operation>.operation.ts, named
 * for the operation's value, exporting `description` (its own fields, shown only for it) and
 * `execute`, which the resource's index.ts hands to the router. A file left out of index.ts, or an
 * operation without its file, fails here.
 */
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { fs, path, ROOT } from './helpers/node';

const { readdirSync } = fs;
const { join } = path;

const NODES: Array<[string, INodeType]> = [
	['VonageVis', new VonageVis()],
	['VonageVoice', new VonageVoice()],
	['VonagePlatform', new VonagePlatform()],
];

interface OperationFile {
	description: INodeProperties[];
	execute: unknown;
}

const valuesOf = (property: INodeProperties | undefined) =>
	((property?.options ?? []) as Array<{ value: string }>).map((option) => option.value).sort();

describe.each(NODES)('%s', (folder, node) => {
	const properties = node.description.properties;
	const resources = valuesOf(properties.find((property) => property.name === 'resource'));
	const actions = join(ROOT, 'nodes', folder, 'actions');

	test.each(resources)(
		'resource %s: one <operation>.operation.ts per operation',
		async (resource) => {
			const selector = properties.find(
				(property) =>
					property.name === 'operation' &&
					(property.displayOptions?.show?.resource as string[]).includes(resource),
			);
			const operations = valuesOf(selector);
			const files = readdirSync(join(actions, resource))
				.filter((name) => name.endsWith('.operation.ts'))
				.map((name) => name.replace(/\.operation\.ts$/, ''))
				.sort();
			expect(files).toEqual(operations);

			const index = (await import(join(actions, resource))) as Record<string, unknown>;
			const handlers = index[`${resource}Operations`] as Record<string, unknown>;
			expect(Object.keys(handlers).sort()).toEqual(operations);
			for (const operation of operations) {
				const file = (await import(
					join(actions, resource, `${operation}.operation`)
				)) as OperationFile;
				expect(handlers[operation]).toBe(file.execute);
				for (const field of file.description) {
					expect([field.name, field.displayOptions?.show?.resource]).toEqual([
						field.name,
						[resource],
					]);
					expect([field.name, field.displayOptions?.show?.operation]).toEqual([
						field.name,
						[operation],
					]);
					expect(properties).toContain(field);
				}
			}
		},
	);
});
