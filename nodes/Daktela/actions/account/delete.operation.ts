import * as shared from '../record/delete';

export const description = shared.description('account');

export const execute = shared.execute('account');
