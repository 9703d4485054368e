import { type Catalog, en } from './en.ts';

export const ja: Catalog = { ...en };
