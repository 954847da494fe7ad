import * as shared from '../record/upsert';

export const description = shared.description('account');

export const execute = shared.execute('account');
