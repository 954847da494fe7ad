import * as shared from '../record/get';

export const description = shared.description('account');

export const execute = shared.execute('account');
