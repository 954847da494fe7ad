import * as shared from '../record/get';

export const description = shared.description('contact');

export const execute = shared.execute('contact');
