import { z } from 'zod';

import { phpString } from '../php';

/** A param the SDK casts with PHP `(string)`: numbers and booleans are accepted. */
export const phpStringParam = z
	.union([z.string(), z.number(), z.boolean(), z.null()])
	.transform((v) => phpString(v));

/** A param the SDK tests with PHP `empty()`. */
export const phpFlagParam = z
	.union([z.boolean(), z.number(), z.string(), z.null()])
	.transform((v) => !(v === null || v === false || v === 0 || v === '' || v === '0'));

export const noParams = z.object({}).strict();
