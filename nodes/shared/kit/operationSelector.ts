import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** One choice of a resource's Operation selector; `action` is what n8n's node picker and the subtitle show. */
export interface OperationChoice {
	name: string;
	value: string;
	action: string;
	description: string;
}

/** The Resource selector of an action node; each resource's file then adds its Operation selector. */
export function resourceSelector(
	defaultResource: string,
	resources: Array<{ name: string; value: string; description: string }>,
): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources,
		default: defaultResource,
	};
}

/** The Operation selector of one resource, the same in every resource file of the action nodes. */
export function operationSelector(
	resource: string,
	defaultOperation: string,
	operations: OperationChoice[],
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: operations,
		default: defaultOperation,
	};
}

/**
 * An action node's subtitle: the chosen operation's action text ("Place a call"), as n8n's own
 * nodes read, built from the node's Operation selectors so that the two cannot drift apart.
 * `first` is an expression tried before it (the Voice node names an Update's action).
 */
export function actionSubtitle(
	properties: INodeProperties[],
	first?: { when: string; then: string },
): string {
	const actions: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation') continue;
		for (const resource of (property.displayOptions?.show?.resource as string[] | undefined) ??
			[]) {
			for (const option of (property.options ?? []) as INodePropertyOptions[]) {
				if (option.action) actions[`${resource}:${String(option.value)}`] = option.action;
			}
		}
	}
	const byOperation = `${JSON.stringify(actions)}[$parameter["resource"] + ":" + $parameter["operation"]]`;
	return `={{ ${first ? `${first.when} ? ${first.then} : ` : ''}${byOperation} }}`;
}
