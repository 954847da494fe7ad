import * as shared from '../record/create';

export const description = shared.description('contact');

export const execute = shared.execute('contact');
