import * as shared from '../record/update';

export const description = shared.description('account');

export const execute = shared.execute('account');
