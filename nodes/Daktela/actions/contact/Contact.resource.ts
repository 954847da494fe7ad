import { recordResource } from '../record/resource';

const resource = recordResource('contact');

export const { description, create, get, getMany, update, upsert } = resource;
const del = resource.delete;
export { del as delete };
