/** The resource / operation pairs of the Daktela node, as types the router dispatches on. */
import type * as account from './account/Account.resource';
import type * as activity from './activity/Activity.resource';
import type * as contact from './contact/Contact.resource';

type OperationsOf<T> = Exclude<keyof T, 'description'>;

export interface DaktelaNodeMap {
	contact: OperationsOf<typeof contact>;
	account: OperationsOf<typeof account>;
	activity: OperationsOf<typeof activity>;
}

export type DaktelaResource = keyof DaktelaNodeMap;

export type DaktelaOperation<R extends DaktelaResource = DaktelaResource> = DaktelaNodeMap[R];
