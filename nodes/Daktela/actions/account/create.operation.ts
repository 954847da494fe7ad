import * as shared from '../record/create';

export const description = shared.description('account');

export const execute = shared.execute('account');
