import * as shared from '../record/upsert';

export const description = shared.description('contact');

export const execute = shared.execute('contact');
