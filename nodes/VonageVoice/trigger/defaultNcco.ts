import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { nccoFrom } from '../ncco/builder';

export const SORRY = 'Sorry, we cannot take your call right now. Please try again later.';
export const DEFAULT_NCCO = JSON.stringify([{ action: 'talk', text: SORRY }], null, 2);

/**
 * The default NCCO as entered (built from fields or JSON); activation refuses anything that Voice
 * would not accept as an NCCO. Versions 1 and 2 were saved with a JSON Default NCCO.
 */
export function defaultNcco(context: IHookFunctions | IWebhookFunctions): IDataObject[] {
	try {
		return nccoFrom(
			context.getNodeParameter('defaultNccoSource', 'json'),
			() => context.getNodeParameter('defaultNccoActions', {}),
			() => context.getNodeParameter('defaultNcco', DEFAULT_NCCO),
			{ actions: 'Default NCCO → Actions', json: 'Default NCCO' },
		);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}
