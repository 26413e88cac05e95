import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callStateOptions } from '../../../shared/kit/callStates';
import { callDirections, sortOrders } from '../../../shared/kit/descriptions';
import { checkDateTime } from '../../../shared/kit/validation';

/** The Filters collection shared by the list and count operations of calls and events. */
export function listFilters(
	show: { resource: string[]; operation: string[] },
	states: readonly string[],
	withOrdering: boolean,
): INodeProperties {
	const options: INodeProperties[] = [
		{
			displayName: 'Direction',
			name: 'direction',
			type: 'multiOptions',
			options: callDirections((word) => word.toUpperCase(), 'the user’s line'),
			default: [],
			description: 'Only calls in these directions. Empty means both.',
		},
		{
			// Named for what it bounds: "From" reads as a phone number in a call node. The parameter
			// name stays, so saved workflows keep their filter.
			displayName: 'Started After',
			name: 'fromDate',
			type: 'dateTime',
			default: '',
			description:
				'Only calls that started at or after this time (sent to VIS as epoch milliseconds). Empty means no lower bound.',
		},
		{
			displayName: 'Started Before',
			name: 'toDate',
			type: 'dateTime',
			default: '',
			description:
				'Only calls that started at or before this time (sent to VIS as epoch milliseconds). Empty means no upper bound.',
		},
		{
			displayName: 'States',
			name: 'states',
			type: 'multiOptions',
			options: callStateOptions(states),
			default: [],
			description: 'Only records in one of these call states',
		},
	];
	if (withOrdering) {
		options.push(
			{
				displayName: 'Order',
				name: 'order',
				type: 'options',
				options: sortOrders((order) => order.toUpperCase()),
				default: 'ASC',
				description: 'Direction of the sort by Sort By (VIS sorts ascending when not set)',
			},
			{
				displayName: 'Sort By',
				name: 'sort',
				type: 'string',
				default: '',
				placeholder: 'startTime',
				description:
					'A call record property to sort by, as VIS names it (e.g. startTime, duration). Empty leaves the order to VIS.',
			},
		);
	}
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options,
	};
}

/**
 * Turns the Filters collection into VIS query parameters: lists comma-separated, dates in epoch
 * ms. `defaultStates` are sent when no state is chosen, where the API's own default would
 * surprise (call lists default to ACTIVE only, leaving out ringing and held calls).
 */
export function filtersToQuery(
	context: IExecuteFunctions,
	itemIndex: number,
	defaultStates: readonly string[] = [],
): IDataObject {
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const query: IDataObject = {};
	for (const key of ['direction', 'states'] as const) {
		const values = filters[key] as string[] | undefined;
		if (values?.length) query[key] = values.join(',');
	}
	if (!query.states && defaultStates.length) query.states = defaultStates.join(',');
	if (filters.fromDate) query.fromDate = checkDateTime('Filters → Started After', filters.fromDate);
	if (filters.toDate) query.toDate = checkDateTime('Filters → Started Before', filters.toDate);
	if (filters.order) query.order = filters.order;
	if (filters.sort) query.sort = filters.sort;
	return query;
}
