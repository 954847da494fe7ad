import * as shared from '../record/getMany';

export const description = shared.description('account');

export const execute = shared.execute('account');
