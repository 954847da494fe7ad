import * as shared from '../record/update';

export const description = shared.description('contact');

export const execute = shared.execute('contact');
