import * as shared from '../record/getMany';

export const description = shared.description('contact');

export const execute = shared.execute('contact');
