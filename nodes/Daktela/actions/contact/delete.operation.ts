import * as shared from '../record/delete';

export const description = shared.description('contact');

export const execute = shared.execute('contact');
